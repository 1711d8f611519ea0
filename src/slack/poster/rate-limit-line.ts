/**
 * One line per rate-limited Slack method (per channel for chat.postMessage). Slack answers a
 * flood with 429 and Retry-After; if every refused caller waited and came back at once, each
 * round would let one or two through and refuse the rest again, and a flood of 140 ephemeral
 * refusals (chat.postEphemeral allows about 100 a minute) would use up the others' retries and
 * drop their messages. So once a method has been refused, its calls take turns: the caller
 * whose turn it is waits out Retry-After and tries again while the others wait behind it without
 * spending their retries. The line goes away when nobody is in it.
 */
export class RateLimitLines {
  private readonly lines = new Map<string, { tail: Promise<void>; inLine: number }>();

  /** Opens a line for `key` (after a 429): from now on its calls take turns. */
  open(key: string): void {
    if (!this.lines.has(key)) this.lines.set(key, { tail: Promise.resolve(), inLine: 0 });
  }

  has(key: string): boolean {
    return this.lines.has(key);
  }

  /**
   * Waits for this caller's turn when `key` has a line (at once otherwise).
   * @returns the release, to call when the call is done (succeeded or failed for good)
   */
  async turn(key: string): Promise<() => void> {
    const line = this.lines.get(key);
    if (!line) return () => undefined;
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    const before = line.tail;
    line.tail = before.then(() => mine);
    line.inLine += 1;
    await before;
    return () => {
      line.inLine -= 1;
      if (line.inLine === 0 && this.lines.get(key) === line) this.lines.delete(key);
      done();
    };
  }
}
