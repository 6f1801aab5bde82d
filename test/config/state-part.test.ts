import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { loadStateConfig, type StateConfig } from '../../src/config/state-part.js';
import { stateLocation } from '../../src/state/location.js';
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

// Written as they are into the config's text, so a key written twice or named __proto__ stays so.
const STATE_DIRS = [
  '',
  '"stateDir": "var/state",',
  '"stateDir": "",',
  '"stateDir": "~/state",',
  '"stateDir": "$HOME/state",',
  '"stateDir": "../shared",',
  '"stateDir": "/srv/state",',
  '"stateDir": "cafe\\u0301/état",',
  '"stateDir": "a", "stateDir": "b",',
  '"__proto__": { "stateDir": "elsewhere" },',
  '"stateDir": 7,',
  '"stateDir": null,',
];
const DATABASES = [
  '',
  '"database": {},',
  '"database": { "url": "postgres://db.example.test/list" },',
  '"database": { "url": "postgresql://u@db/list?sslmode=require" },',
  '"database": { "url": "postgres://u:pw@db/list" },',
  '"database": { "url": "mysql://db/list" },',
  '"database": { "__proto__": { "url": "postgres://db/x" } },',
  '"database": { "url": "postgres://db/x", "url": "postgres://db/y" },',
  '"database": { "url": null },',
  '"database": { "URL": "postgres://db/x" },',
  '"database": [],',
];

describe('where status and suppress find the state', () => {
  it('is where send finds it, for configs of every shape found above the issue', async () => {
    // The config in the project's folder, the issue two folders below, the command run from the parent.
    const cwd = project.path('issues');
    await project.write('issues/2026-W49/issue.json', '{}');
    const { sender, ...rest } = example;
    const body = JSON.stringify(rest).slice(1, -1);
    const lookup = { cwd, near: '2026-W49' };
    const where = async (load: (lookup: object) => Promise<StateConfig>, env: string | undefined, state?: string) =>
      load(lookup).then((config) => {
        try {
          return stateLocation(config, { databaseUrl: env }, cwd, state);
        } catch (error) {
          return refused(error as Error);
        }
      }, refused);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          stateDir: fc.constantFrom(...STATE_DIRS),
          database: fc.constantFrom(...DATABASES),
          // A sender send refuses: status and suppress still answer, from the same state.
          brokenSender: fc.boolean(),
          bom: fc.boolean(),
          crlf: fc.boolean(),
          env: fc.constantFrom(undefined, 'postgres://env.example.test/list', 'mysql://env/list'),
          state: fc.constantFrom(undefined, 'copy.db'),
        }),
        async (shape) => {
          const write = (senderText: string) => {
            const text = `${shape.bom ? '\ufeff' : ''}{\n${shape.stateDir}\n${shape.database}\n"sender": ${senderText},\n${body}\n}\n`;
            return project.write('rolecast.config.json', shape.crlf ? text.replace(/\n/g, '\r\n') : text);
          };
          await write(shape.brokenSender ? '{ "name": "W", "email": "no" }' : JSON.stringify(sender));
          const part = await where(loadStateConfig, shape.env, shape.state);
          if (shape.brokenSender) await write(JSON.stringify(sender));
          const whole = await where(loadConfig, shape.env, shape.state);
          if ('error' in whole) {
            // Refused as send refuses it, the broken sender named besides.
            expect(part).toMatchObject({ error: whole.error });
            expect((part as { problems?: unknown[] }).problems).toEqual(
              expect.arrayContaining(whole.problems as unknown[]),
            );
          } else expect(part).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});
