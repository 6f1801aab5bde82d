import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A reader's role whose name holds a comma, as the roles file names it ("Head of Sales, EMEA"),
 * is exported so that `subscribers import` reads it back as the same one role, from CSV and from
 * JSON. A role the roles file does not name that a CSV cell would split is still refused there.
 */

describe('subscribers export of a role with a comma', () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
    const roles = await readFile(project.path('roles.yaml'), 'utf8');
    await project.write('roles.yaml', `${roles.trimEnd()}\n  - name: "Head of Sales, EMEA"\n  - name: EMEA\n`);
    for (const [address, roles] of [
      ['ann@example.com', 'Head of Sales, EMEA|CTO'],
      ['bob@example.com', 'EMEA'],
    ] as const) {
      const added = await runMain(project.dir, ['subscribers', 'add', address, '--roles', roles]);
      expect(added.code, added.all).toBe(0);
    }
  });
  afterEach(() => project.cleanup());

  async function roundTrip(format: 'csv' | 'json') {
    const exported = await runMain(project.dir, ['subscribers', 'export', '--format', format]);
    expect(exported.code, exported.all).toBe(0);
    await project.write(`readers.${format}`, exported.out);
    const imported = await runMain(project.dir, ['subscribers', 'import', `readers.${format}`, '--state', 'copy.db']);
    expect(imported.code, imported.all).toBe(0);
    const listed = await runMain(project.dir, ['subscribers', 'list', '--json', '--state', 'copy.db']);
    expect(listed.code, listed.all).toBe(0);
    return (JSON.parse(listed.out) as { email: string; roles: string[] }[]).map(({ email, roles }) => ({
      email,
      roles,
    }));
  }

  for (const format of ['csv', 'json'] as const)
    it(`as ${format}, reads back as the same roles`, async () => {
      expect(await roundTrip(format)).toEqual([
        { email: 'ann@example.com', roles: ['Head of Sales, EMEA', 'CTO'] },
        { email: 'bob@example.com', roles: ['EMEA'] },
      ]);
    });

  it('as csv, still refuses a role the roles file does not name that a cell would split', async () => {
    const roles = await readFile(project.path('roles.yaml'), 'utf8');
    await project.write('roles.yaml', roles.replace('  - name: "Head of Sales, EMEA"\n', ''));
    const exported = await runMain(project.dir, ['subscribers', 'export', '--format', 'csv']);
    expect(exported.code).not.toBe(0);
    expect(exported.out).toBe('');
    expect(exported.all).toContain('Head of Sales, EMEA');
    expect(exported.all).toMatch(/export as JSON/);
  });
});
