import { rename, rm, writeFile } from 'node:fs/promises';
import { RolecastError } from './errors.js';
import { displayPath } from './load/_display.js';

/**
 * Writes a file whole or not at all: a temp file beside the target, then a rename, so a reader
 * never sees half of it; the temp file goes when the write fails. A full disk is said as such,
 * naming the file: the failed write itself names none, and read as "this is a bug" with a stack.
 */
export async function writeWhole(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, content);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw diskFullOr(file, error);
  }
}

/** A write that failed for a full disk as an error naming `file`; any other failure as it was. */
export function diskFullOr(
  file: string,
  error: unknown,
  hint = 'free some space on that drive and run the same command again',
): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return error;
  return new RolecastError('E_USAGE', `${displayPath(file)} could not be written: the disk is full`, {
    hint,
    cause: error,
  });
}
