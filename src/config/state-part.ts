import { dirname, resolve } from 'node:path';
import { parseJsonWithLines } from '../load/_json-lines.js';
import { byteLength, jsonTooDeepAt, LIMITS } from '../load/limits.js';
import { validDatabaseUrl } from './_database-url.js';
import { type ConfigLookup, readConfigText } from './_find.js';
import type { ResolvedConfig } from './schema.js';

/** What a config says of where the state lives: all `status` and `suppress` read of it. */
export type StateConfig = Pick<ResolvedConfig, 'file' | 'database' | 'stateDirAbs'>;

/**
 * Reads `stateDir` and `database.url` alone, held to the schema's rules, so these commands start
 * without loading the schema's library (95 modules). A file those two fields do not pass as they
 * are (not JSON, a field of another type, a key `database` does not take, a URL refused) is read by
 * the whole schema, which names every problem as before; the other fields are checked by the
 * commands that use them.
 */
export async function loadStateConfig(options: ConfigLookup): Promise<StateConfig> {
  const { file, text } = await readConfigText(options);
  const part = statePart(text);
  if (part) return { file, database: part.database, stateDirAbs: resolve(dirname(file), part.stateDir) };
  const { parseConfig } = await import('./load.js');
  return parseConfig(text, file);
}

function statePart(text: string): { stateDir: string; database: { url?: string } } | undefined {
  if (byteLength(text) > LIMITS.smallFileBytes || jsonTooDeepAt(text) !== undefined) return undefined;
  let value: unknown;
  try {
    value = parseJsonWithLines(text).value;
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const stateDir = Object.hasOwn(value, 'stateDir') ? value.stateDir : '.rolecast';
  if (typeof stateDir !== 'string') return undefined;
  if (!Object.hasOwn(value, 'database')) return { stateDir, database: {} };
  const database = value.database;
  if (!isRecord(database) || Object.keys(database).some((key) => key !== 'url')) return undefined;
  if (!Object.hasOwn(database, 'url')) return { stateDir, database: {} };
  const url = database.url;
  return typeof url === 'string' && validDatabaseUrl(url) ? { stateDir, database: { url } } : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
