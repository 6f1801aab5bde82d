import { isAbsolute, relative } from 'node:path';

/** Paths in messages are relative to where the command runs, so they are short and clickable. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
