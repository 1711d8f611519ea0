/** A one-line progress indicator on a TTY (stderr); silent when stderr is not a terminal. */
export interface ProgressReporter {
  update(step: string, done: number, total: number): void;
  done(): void;
}

export function progressReporter(stream: NodeJS.WriteStream): ProgressReporter {
  if (!stream.isTTY) return { update() {}, done() {} };
  const started = Date.now();
  let shown = false;
  return {
    update(step) {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      stream.write(`\r\x1b[2K… ${step} (${secs}s)`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
