import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { articleKey } from '../../src/load/same-story.js';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * Links that look alike but lead to two articles: a single-page site names the article in its
 * fragment route, and a query value may hold an encoded `&`. Both summaries are the editor's and
 * both must be picked.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const summary = (title: string, url: string, roles: string[]) =>
  JSON.stringify({ title, summary: `What ${title} argues.`, roles, url, date: '2026-11-27' });

describe('links that differ only in a route fragment or an encoded query value', () => {
  it.each([
    ['https://example.org/#/post/1', 'https://example.org/#/post/2'],
    ['https://example.org/app#!/story/a', 'https://example.org/app#!/story/b'],
    ['https://example.org/search?q=a%26b%3Dc', 'https://example.org/search?b=c&q=a'],
    ['https://example.org/a?x=1%26y%3D2', 'https://example.org/a?x=1&y=2'],
  ])('%s and %s are different articles', (a, b) => {
    expect(articleKey(a)).not.toBe(articleKey(b));
  });

  it.each([
    ['https://example.org/#/post/1', 'http://www.example.org/#/post/1/'],
    ['https://example.org/a#comments', 'https://example.org/a'],
  ])('%s and %s still lead to one article', (a, b) => {
    expect(articleKey(a)).toBe(articleKey(b));
  });

  it('new picks both articles of a single-page site', async () => {
    const made = await poolProject({
      'summaries/first-post.json': summary('Hiring in a downturn', 'https://example.org/#/post/1', ['CTO']),
      'summaries/second-post.json': summary('Paying down tech debt', 'https://example.org/#/post/2', ['CTO']),
    });
    project = made.project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    expect(created.out).not.toMatch(/left out/);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).toEqual(expect.arrayContaining(['pool:first-post', 'pool:second-post']));
  });
});
