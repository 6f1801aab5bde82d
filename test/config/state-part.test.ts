import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { loadStateConfig, type StateConfig } from '../../src/config/state-part.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * `status` and `suppress` read only where the state lives: for every config the whole schema takes,
 * they see the same state folder and database, and every config whose state part the schema
 * refuses is refused with the same error.
 */

let project: TempProject;
let example: Record<string, unknown>;
beforeAll(async () => {
  project = await tempProject({ withExample: true });
  example = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8'));
});
afterAll(() => project.cleanup());

// The example config with these fields written over (undefined: left out).
const CONFIGS: [string, Record<string, unknown> | string][] = [
  ['the example', {}],
  ['no state fields', { stateDir: undefined, database: undefined }],
  ['a state folder of its own', { stateDir: 'var/state' }],
  ['an empty database', { database: {} }],
  ['a database URL', { database: { url: 'postgresql://rolecast@db.example.test/list' } }],
  ['a URL with a password', { database: { url: 'postgres://u:secret@db/list' } }],
  ['a URL asking ?password=', { database: { url: 'postgres://u@db/list?password=x' } }],
  ['a URL of another kind', { database: { url: 'mysql://db/list' } }],
  ['a URL with a space', { database: { url: 'postgres://db/li st' } }],
  ['a key database does not take', { database: { url: 'postgres://db/x', pool: 3 } }],
  ['a database of null', { database: null }],
  ['a database written as a string', { database: 'postgres://db/x' }],
  ['a state folder of a number', { stateDir: 7 }],
  ['a state folder of null', { stateDir: null }],
  ['a list, not an object', '[{ "stateDir": "x" }]'],
  ['not JSON', '{ "stateDir": '],
];

const seen = (config: StateConfig) => ({
  file: config.file,
  database: config.database,
  stateDirAbs: config.stateDirAbs,
});
const refused = (error: Error) => ({ error: error.message, problems: (error as { problems?: unknown }).problems });

describe('the state part of a config', () => {
  it.each(CONFIGS)('%s reads as the whole schema reads it', async (name, over) => {
    const text = typeof over === 'string' ? over : JSON.stringify({ ...example, ...over });
    const file = await project.write(`${name.replace(/\W+/g, '-')}.json`, text);
    const lookup = { file, cwd: project.dir };
    const whole = await loadConfig(lookup).then(seen, refused);
    const part = await loadStateConfig(lookup).then(seen, refused);
    expect(part).toEqual(whole);
  });

  it('is read though a field the state does not use is refused, which send and check name', async () => {
    const file = await project.write(
      'bad-sender.json',
      JSON.stringify({ ...example, sender: { name: 'W', email: 'no' } }),
    );
    await expect(loadConfig({ file, cwd: project.dir })).rejects.toThrow(/is invalid/);
    expect((await loadStateConfig({ file, cwd: project.dir })).stateDirAbs).toBe(project.path('.rolecast'));
  });
});
