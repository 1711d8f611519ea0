/**
 * Running the commands that build and program the lab's namespaces (ip, nft, sysctl): a batch goes
 * to one `sh -e`, so a failing command stops the batch and its stderr names it.
 */
import { execFile, type ExecFileOptions } from 'node:child_process';
import { DnswhyError } from '../../core/errors.js';

/** A command of the netns backend that failed, with its output. */
export class NetnsCommandError extends DnswhyError {
  override readonly code = 'lab-netns-command-failed';
  override readonly permanent = true;
  constructor(readonly script: string, readonly stderr: string) {
    super(`netns backend: ${stderr.trim().split('\n').slice(-3).join(' / ') || 'a command failed'}\n(script: ${script.split('\n').slice(0, 3).join('; ')}${script.includes('\n') ? '; ...' : ''})`);
  }
}

/** Runs a shell script (lines of commands) with `sh -e`; resolves with stdout. */
export function runScript(script: string, opts: ExecFileOptions & { input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('sh', ['-ec', script], { maxBuffer: 16 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
      if (err) reject(new NetnsCommandError(script, String(stderr) || err.message));
      else resolve(String(stdout));
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Quotes one word for sh. */
export function shq(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
