import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookalikeIn } from '../../src/load/_lookalike.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * An address with a letter of another script among Latin ones (a Cyrillic "а" in "jаne") shows
 * exactly like the Latin address, yet is another mailbox: import and check warn, naming the row and
 * the character, and keep the reader.
 */

const CYRILLIC_A = '\u0430';
const LIST = [
  { email: 'ann@example.com', roles: ['CTO'] },
  { email: `j${CYRILLIC_A}ne@example.com`, roles: ['CTO'] },
  { email: `bob@p${CYRILLIC_A}ypal.com`, roles: ['CTO'] },
  { email: 'Ärger@müller.de', roles: ['CTO'] },
];

describe('lookalikeIn', () => {
  it.each([
    [`j${CYRILLIC_A}ne@example.com`, { char: CYRILLIC_A, codePoint: 'U+0430', part: 'local part' }],
    [`bob@p${CYRILLIC_A}ypal.com`, { char: CYRILLIC_A, codePoint: 'U+0430', part: 'domain' }],
    ['ka\u03bfs@example.com', { char: '\u03bf', codePoint: 'U+03BF', part: 'local part' }],
  ])('finds the letter of another script in %s', (address, expected) => {
    expect(lookalikeIn(address)).toEqual(expected);
  });

  it.each([
    'ann@example.com',
    'Ärger@müller.de',
    'josé.núñez@example.com',
    'иван@пример.рф',
    'иван@example.com',
    'ann+1@example.com',
  ])('leaves %s alone', (address) => {
    expect(lookalikeIn(address)).toBeUndefined();
  });
});

describe('import and check of a list with a mixed-script address', () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject({ withExample: true, files: { 'list.json': JSON.stringify(LIST, null, 2) } });
  });
  afterEach(() => project.cleanup());

  it('warns, naming the entry, its line and the character, and keeps the readers', async () => {
    const imported = await runMain(project.dir, ['subscribers', 'import', 'list.json']);
    expect(imported.code, imported.all).toBe(0);
    const warnings = imported.all.split('\n').filter((line) => line.includes('U+0430'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/list\.json:\d+.*\[1\]\.email.*local part/);
    expect(warnings[1]).toMatch(/list\.json:\d+.*\[2\]\.email.*domain/);
    expect(imported.all).not.toMatch(/\[0\]\.email|\[3\]\.email/);
    const listed = await runMain(project.dir, ['subscribers', 'list', '--json']);
    expect((JSON.parse(listed.out) as unknown[]).length).toBe(4);

    const checked = await runMain(project.dir, ['check', 'issues/2026-W48', '--subscribers', 'list.json']);
    expect(checked.all).toMatch(/\[1\]\.email.*U\+0430/);
  });
});
