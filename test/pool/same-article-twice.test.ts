import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadIssue } from '../../src/load/issue.js';
import { articleKey } from '../../src/load/same-story.js';
import { loadTaxonomy } from '../../src/roles/taxonomy.js';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * Editors save one article twice: under two titles, or with the link copied from a newsletter
 * (tracking parameters), over http, with `www.` or a trailing slash. A reader of both copies'
 * role would get the story twice, so `new` picks one and names the other, and `check` warns.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const summary = (title: string, url: string, roles: string[], date = '2026-11-27') =>
  JSON.stringify({ title, summary: `What ${title} argues.`, roles, url, date });

describe('the same article under two titles or two spellings of its link', () => {
  it.each([
    ['https://example.org/on-call-burnout', 'http://www.example.org/on-call-burnout/'],
    ['https://example.org/a?id=7', 'https://EXAMPLE.org/a?utm_source=news&id=7&fbclid=x#comments'],
    ['https://example.org:443/a', 'https://example.org/a/'],
  ])('%s and %s lead to one article', (a, b) => {
    expect(articleKey(a)).toBe(articleKey(b));
  });

  it.each([
    ['https://example.org/a', 'https://example.org/b'],
    ['https://example.org/a?id=7', 'https://example.org/a?id=8'],
    ['https://blog.example.org/a', 'https://example.org/a'],
  ])('%s and %s are different articles', (a, b) => {
    expect(articleKey(a)).not.toBe(articleKey(b));
  });

  it('new picks one copy, names the other, and the issue warns when both are listed', async () => {
    const made = await poolProject({
      'summaries/burnout.json': summary(
        'Why On-Call Burns Out Seniors',
        'https://www.example.org/oncall/?utm_source=newsletter&utm_medium=email',
        ['CTO'],
        '2026-11-28',
      ),
      // Its roles are the first copy's: taking it in place of that one would reach no one new.
      'summaries/burnout-copy.json': summary('On-call burnout among senior engineers', 'http://example.org/oncall', [
        'CTO',
      ]),
      // Two takes of one article for different readers are no twins.
      'summaries/take-for-design.json': summary('Burnout, for designers', 'https://example.org/oncall', ['Designer']),
    });
    project = made.project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).toContain('pool:burnout');
    expect(issue.summaries).toContain('pool:take-for-design');
    expect(issue.summaries).not.toContain('pool:burnout-copy');
    expect(created.out).toContain('left out 1 summary telling a story already picked or sent');
    expect(created.out).toContain(
      'summaries/burnout-copy.json: links to the same article as "burnout" (picked this week)',
    );

    // Listed by hand anyway, the copy is a warning at its line in issue.json.
    await project.write(
      'issues/2026-W49/issue.json',
      JSON.stringify(
        { subject: '{{lead}}', date: '2026-12-03', summaries: ['pool:burnout', 'pool:burnout-copy'] },
        null,
        2,
      ),
    );
    const loaded = await loadIssue(project.path('issues/2026-W49'), await loadTaxonomy(made.config.rolesFile), {
      poolDir: made.config.poolDir,
    });
    expect(loaded.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /issues\/2026-W49\/issue\.json:6: warning: summaries\[1\]: summary "burnout-copy" \(\S*summaries\/burnout-copy\.json\) links to the same article as "burnout": a reader of both would get the story twice/,
      ),
    ]);
  });

  it('new leaves out a copy of an article an earlier issue already sent', async () => {
    const made = await poolProject({
      'summaries/sent.json': summary('Boring Databases Win', 'https://example.net/boring-db', ['CTO'], '2026-11-10'),
      'summaries/again.json': summary('The Case for Boring Databases', 'https://example.net/boring-db/', ['CTO']),
      'issues/2026-W47/issue.json': JSON.stringify({ subject: 's', date: '2026-11-19', summaries: ['pool:sent'] }),
    });
    project = made.project;
    const created = await runMain(project.dir, ['new']);
    expect(created.code).toBe(0);
    expect(created.out).toContain('summaries/again.json: links to the same article as "sent" (in issue 2026-W47)');
  });
});
