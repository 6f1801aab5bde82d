import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Problem, RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { fileSize, LIMITS, tooLarge } from '../load/limits.js';

export const CONFIG_FILE = 'rolecast.config.json';

export interface ConfigLookup {
  file?: string | undefined;
  cwd?: string | undefined;
  near?: string | undefined;
}

/**
 * Finds the config and reads its text: an explicit path, else `rolecast.config.json` in the working
 * folder or any folder above the issue.
 */
export async function readConfigText(options: ConfigLookup): Promise<{ file: string; text: string }> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ? resolve(cwd, options.file) : findConfig(cwd, options.near);
  if (!file) {
    throw new RolecastError('E_NOT_FOUND', `no ${CONFIG_FILE} found`, {
      hint: `start a project here with rolecast init (see README), or pass --config FILE`,
    });
  }
  const size = await fileSize(file);
  if (size !== undefined && size > LIMITS.smallFileBytes)
    throw invalidConfig(tooLarge(displayPath(file), size, LIMITS.smallFileBytes));
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch (cause) {
    throw new RolecastError('E_NOT_FOUND', `config file ${displayPath(file)} could not be read`, {
      hint: 'check the --config path',
      cause,
    });
  }
}

/** A config refused before it is parsed: the problem says why and what the limit is. */
export function invalidConfig(problem: Problem): RolecastError {
  return new RolecastError('E_INVALID', `config ${problem.file} ${problem.message}`, { problems: [problem] });
}

function findConfig(cwd: string, near: string | undefined): string | undefined {
  const inCwd = join(cwd, CONFIG_FILE);
  if (existsSync(inCwd)) return inCwd;
  if (!near) return undefined;
  // Walk up from the issue folder only, so a stray config above the working folder is never picked up by accident.
  let dir = resolve(cwd, near);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
