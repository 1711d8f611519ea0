/**
 * Reads a text file a user named (a Corefile, a scenario) with a size limit: reading stops at the
 * limit, so `/dev/zero`, a FIFO that never ends or a 10 GB log given by mistake cannot hold the
 * process, and the message says what was wrong (too large, UTF-16, binary, a directory, missing).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DnswhyError } from '../core/errors.js';
import { nonTextReason } from '../core/input/text-problems.js';

/** Size limits of the text files dnswhy reads. */
export const fileLimits = {
  /** A ConfigMap (where a Corefile lives) holds at most 1 MiB. */
  corefile: { bytes: 1 << 20, what: 'a Corefile' },
  /** The shipped scenarios are a few KiB; a generated 1,000-node, 30,000-pod lab is about 7 MiB as JSON. */
  scenario: { bytes: 32 << 20, what: 'a scenario file' },
  /** A PEM CA bundle (REDIS_TLS_CA_FILE); the system's whole bundle is about 200 KiB. */
  caBundle: { bytes: 1 << 20, what: 'a PEM CA bundle' },
  /** A token, a signing secret or a Redis URL read from a file (NAME_FILE). */
  secret: { bytes: 64 << 10, what: 'a secret' },
} as const;

export interface FileLimit {
  bytes: number;
  /** "a Corefile": used in messages. */
  what: string;
}

/** Why a file could not be used; `content` tells "the file is wrong" from "the file is not there". */
export class InputFileError extends DnswhyError {
  override readonly code = 'input-file-invalid';
  override readonly permanent = true;
  constructor(
    readonly file: string,
    message: string,
    /** true: the file was read and its content is unusable; false: it could not be opened. */
    readonly content: boolean,
  ) {
    super(`${file} ${message}`);
  }
}

function sizeText(bytes: number): string {
  return bytes % (1 << 20) === 0 ? `${bytes / (1 << 20)} MiB` : `${bytes} bytes`;
}

/** Reads at most limit.bytes of a file as UTF-8 text; throws InputFileError with the reason. */
export function readTextFile(path: string, limit: FileLimit): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(path, code === 'ENOENT' ? 'does not exist' : `cannot be opened (${code ?? (err as Error).message})`, false);
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new InputFileError(path, `is a directory, not ${limit.what}`, false);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(65536, limit.bytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit.bytes) throw new InputFileError(path, `is larger than ${sizeText(limit.bytes)}, the limit for ${limit.what}`, true);
    }
    const bytes = Buffer.concat(chunks);
    const reason = nonTextReason(bytes);
    if (reason) throw new InputFileError(path, `${reason}, not ${limit.what}${reason.startsWith('is UTF-16') && limit.what === 'a Corefile' ? '; CoreDNS reads a Corefile as UTF-8 (convert it: iconv -f UTF-16 -t UTF-8)' : ''}`, true);
    return bytes.toString('utf8');
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, false);
  } finally {
    closeSync(fd);
  }
}
