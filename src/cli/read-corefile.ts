/** The Corefile a `dnswhy corefile` command was given, read with the size and encoding checks. */
import type { Command } from 'commander';
import { fileLimits, InputFileError, readTextFile } from '../files/read-text-file.js';
import { exitCodes } from './exit-codes.js';

/**
 * Reads FILE with the Corefile size limit. A file that cannot be opened (missing, a directory,
 * unreadable) means the tool could not do its job (exit 3); one whose content is unusable (too
 * large, UTF-16, binary) is an invalid Corefile (exit 1). The caller gets undefined for both.
 */
export function readCorefile(file: string, cmd: Command, name = 'dnswhy corefile'): string | undefined {
  try {
    return readTextFile(file, fileLimits.corefile);
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    process.stderr.write(err.content ? `${name}: ${err.message}\n` : `${name}: cannot read ${err.message}\n`);
    process.exitCode = err.content ? exitCodes.finding : exitCodes.couldNotTell;
    return undefined;
  }
}
