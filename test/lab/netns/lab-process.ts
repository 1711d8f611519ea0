/**
 * Starts `dnswhy lab --backend netns FILE` as its own process (the crash-safe wrapper and all, as a
 * user runs it) and waits until it prints its start-up lines ("# try: ..."): the lab is up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../../..');

export interface LabProcess {
  child: ChildProcess;
  /** What the lab printed on stdout so far. */
  out(): string;
  /** The KUBECONFIG the lab printed on its first line. */
  kubeconfig: string;
}

/** Spawns the lab and resolves once it is up; rejects with its output when it exits or takes longer than timeoutMs. */
export async function startNetnsLab(file: string, timeoutMs = 60_000): Promise<LabProcess> {
  const child = spawn(process.execPath, [join(root, 'bin/dnswhy.js'), 'lab', '--backend', 'netns', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the lab did not start: ${out}`)), timeoutMs);
      child.stdout!.on('data', () => out.includes('# try:') && (clearTimeout(t), resolve()));
      child.on('exit', (c) => reject(new Error(`the lab exited (${c}): ${out}`)));
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { child, out: () => out, kubeconfig: /export KUBECONFIG=(\S+)/.exec(out)![1]! };
}
