import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A list with more mixed-script addresses than are named one by one still says how many more there
 * are, and from which entry, rather than going quiet after the first twenty.
 */

const CYRILLIC_A = '\u0430';
const LIST = Array.from({ length: 23 }, (_, i) => ({ email: `j${CYRILLIC_A}ne${i}@example.com`, roles: ['CTO'] }));

describe('a list with many mixed-script addresses', () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject({ withExample: true, files: { 'list.json': JSON.stringify(LIST, null, 2) } });
  });
  afterEach(() => project.cleanup());

  it('names the first twenty and counts the rest from the first one not named', async () => {
    const imported = await runMain(project.dir, ['subscribers', 'import', 'list.json']);
    expect(imported.code, imported.all).toBe(0);
    expect(imported.all.split('\n').filter((line) => line.includes('U+0430'))).toHaveLength(20);
    expect(imported.all).toMatch(/\[20\]\.email.*and 3 more addresses mixing scripts from here on \(23 in all\)/);
  });
});
