/**
 * `pods/exec` over WebSocket with client-node's Exec: collects stdout/stderr and turns the status
 * frame (channel 3) into an exit code. Guards against a server that closes without a status
 * (the status callback would never fire) and against a hung stream (timeout).
 */
import { PassThrough } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import type { ExecResult } from '../../core/cluster-access.js';
import { TransientError } from '../../core/cluster-access.js';

/** Exit code from a v1.Status: Success → 0; NonZeroExitCode → causes[ExitCode]; anything else → 1. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = cause?.message !== undefined ? Number(cause.message) : NaN;
  return Number.isInteger(n) ? n : 1;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Run argv in a container; the command is an argv array, never a shell string. */
export async function execInPod(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  argv: string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  let socket: { close(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const status = await new Promise<V1Status>((resolve, reject) => {
      timer = setTimeout(() => reject(new TransientError(`exec ${argv.join(' ')} in ${namespace}/${pod}: no result after ${timeoutMs} ms`)), timeoutMs);
      new Exec(kc)
        .exec(namespace, pod, container, argv, stdout, stderr, null, false, resolve)
        .then((ws) => {
          socket = ws;
          // The status frame comes before the close; a close without it means the stream broke.
          ws.on('close', () => setTimeout(() => reject(new TransientError(`exec in ${namespace}/${pod}: connection closed without a status`)), 50));
        })
        .catch(reject);
    });
    // Let any buffered stream data drain before reading it.
    await new Promise((r) => setImmediate(r));
    return { stdout: out(), stderr: err(), exitCode: exitCodeOf(status) };
  } finally {
    if (timer) clearTimeout(timer);
    socket?.close();
  }
}
