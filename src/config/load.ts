import { dirname, resolve } from 'node:path';
import { RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { JsonSyntaxError, parseJsonWithLines } from '../load/_json-lines.js';
import { unknownKeyWarnings } from '../load/_unknown-keys.js';
import { zodProblems } from '../load/_validate.js';
import { byteLength, jsonTooDeepAt, LIMITS, tooDeep as tooDeepProblem, tooLarge } from '../load/limits.js';
import { type ConfigLookup, invalidConfig, readConfigText } from './_find.js';
import { type Config, ConfigSchema, type ResolvedConfig } from './schema.js';

export { CONFIG_FILE } from './_find.js';

/**
 * Finds the config: an explicit path, else `rolecast.config.json` in the working folder or any
 * folder above the issue. Paths inside it are resolved against the config file's folder.
 */
export async function loadConfig(options: ConfigLookup = {}): Promise<ResolvedConfig> {
  const { file, text } = await readConfigText(options);
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): ResolvedConfig {
  const shown = displayPath(file);
  const size = byteLength(text);
  if (size > LIMITS.smallFileBytes) throw invalidConfig(tooLarge(shown, size, LIMITS.smallFileBytes));
  const deepAt = jsonTooDeepAt(text);
  if (deepAt !== undefined) throw invalidConfig(tooDeepProblem(shown, deepAt, 'json'));
  let parsed: ReturnType<typeof parseJsonWithLines>;
  try {
    parsed = parseJsonWithLines(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new RolecastError('E_INVALID', `config ${shown} is not valid JSON`, {
      problems: [
        {
          severity: 'error',
          file: shown,
          line: error.line,
          field: 'json',
          message: error.message,
          hint: 'fix the JSON syntax',
        },
      ],
    });
  }
  const result = ConfigSchema.safeParse(parsed.value, { reportInput: true });
  if (!result.success) {
    throw new RolecastError('E_INVALID', `config ${shown} is invalid`, {
      // With the misspelt keys: "sendr" is often why "sender" is missing.
      problems: [
        ...zodProblems(result.error, shown, parsed.lineOf),
        ...unknownKeyWarnings(parsed.value, ConfigSchema, shown, parsed.lineOf),
      ],
      hint: 'fix the fields listed above',
    });
  }
  const base = dirname(file);
  return {
    ...result.data,
    brand: brandOrSender(result.data, parsed.value),
    problems: unknownKeyWarnings(parsed.value, ConfigSchema, shown, parsed.lineOf),
    file,
    templatesDir: resolve(base, result.data.templates),
    rolesFile: resolve(base, result.data.roles),
    poolDir: resolve(base, result.data.pool),
    stateDirAbs: resolve(base, result.data.stateDir),
  };
}

/**
 * Without a `brand`, readers see the sender's name in the header, the List-Id and the reader
 * pages: the list is the editor's, not named after the tool that sends it.
 */
function brandOrSender(config: Config, written: unknown): Config['brand'] {
  const given = typeof written === 'object' && written !== null && 'brand' in written;
  return given ? config.brand : { ...config.brand, name: config.sender.name };
}
