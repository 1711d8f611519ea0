/** The Corefile a `dnswhy corefile` command was given, read with the size and encoding checks. */
import type { Command } from 'commander';
import { fileLimits, InputFileError, readTextFile } from '../files/read-text-file.js';
import { exitCodes } from './exit-codes.js';

/**
 * Reads FILE with the Corefile size limit. A file that cannot be opened is a usage error (exit 2);
 * one whose content is unusable (too large, UTF-16, binary) is an invalid Corefile (exit 1), and
 * the caller gets undefined.
 */
export function readCorefile(file: string, cmd: Command, name = 'dnswhy corefile'): string | undefined {
  try {
    return readTextFile(file, fileLimits.corefile);
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    if (!err.content) cmd.error(`${name}: cannot read ${err.message}`, { exitCode: exitCodes.usage });
    process.stderr.write(`${name}: ${err.message}\n`);
    process.exitCode = exitCodes.finding;
    return undefined;
  }
}
