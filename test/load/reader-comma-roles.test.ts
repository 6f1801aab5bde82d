import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSubscribers, parseSubscribersCsv } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { addExampleSummary, runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A reader's role whose name holds a comma ("Head of Sales, EMEA"), as the roles file names it, is
 * that one role in a subscribers CSV cell, a JSON roles string and `subscribers add --roles`, as it
 * is in a summary: such a reader gets the summaries for that role.
 */

const taxonomy = createTaxonomy([
  { name: 'Head of Sales, EMEA', aliases: [] },
  { name: 'CTO', aliases: [] },
]);

describe("a reader's role with a comma", () => {
  it('is one role in a CSV cell and a JSON string when the roles file names it', () => {
    const csv = parseSubscribersCsv(
      'email,roles\na@example.com,"Head of Sales, EMEA"\nb@example.com,"Head of Sales, EMEA|CTO"\nc@example.com,"Head of Sales, EMEA, CTO"\n',
      's.csv',
      taxonomy,
    );
    expect([...csv.subscribers].map((s) => s.roles)).toEqual([
      ['Head of Sales, EMEA'],
      ['Head of Sales, EMEA', 'CTO'],
      ['Head of Sales, EMEA', 'CTO'],
    ]);
    expect(csv.problems).toEqual([]);
    const json = parseSubscribers(
      JSON.stringify([{ email: 'a@example.com', roles: 'Head of Sales, EMEA; CTO' }]),
      's.json',
      taxonomy,
    );
    expect([...json.subscribers].map((s) => s.roles)).toEqual([['Head of Sales, EMEA', 'CTO']]);
    expect(json.problems).toEqual([]);
  });

  it('the roles file does not name is split at its comma, as before', () => {
    const csv = parseSubscribersCsv('email,roles\na@example.com,"CTO, VP"\n', 's.csv', taxonomy);
    expect([...csv.subscribers].map((s) => s.roles)).toEqual([['CTO', 'VP']]);
  });
});

describe('a reader of "Head of Sales, EMEA"', () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
    const roles = await import('node:fs/promises').then((fs) => fs.readFile(project.path('roles.yaml'), 'utf8'));
    await project.write('roles.yaml', `${roles.trimEnd()}\n  - name: "Head of Sales, EMEA"\n`);
    await addExampleSummary(project, 'emea-pipeline', {
      title: 'Pipeline Reviews That Close',
      summary: 'Weekly pipeline reviews close more deals than quarterly ones.',
      roles: ['Head of Sales, EMEA'],
      url: 'https://example.com/pipeline',
      source: 'Example Weekly',
    });
  });
  afterEach(() => project.cleanup());

  it('listed in a CSV gets the summary for that role', async () => {
    await project.write('readers.csv', 'email,roles\nsales.lead@example.com,"Head of Sales, EMEA"\n');
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'readers.csv']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['sales.lead@example.com.eml']);
  });

  it('added with --roles is taken and mailed', async () => {
    const added = await runMain(project.dir, [
      'subscribers',
      'add',
      'sales.lead@example.com',
      '--roles',
      'Head of Sales, EMEA',
    ]);
    expect(added.code, added.all).toBe(0);
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['sales.lead@example.com.eml']);
  });
});
