import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArchiveResult, buildArchive } from '../../src/archive/index.js';
import type { ArchiveSite } from '../../src/archive/pages.js';
import { renderSummaryPage } from '../../src/archive/summary-page.js';
import { loadProject } from '../../src/load/project.js';
import { SummarySchema } from '../../src/model/summary.js';
import { escapeHtml } from '../../src/serve/pages.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
let result: ArchiveResult;
let subscribers: { email: string; name?: string }[];

/** Every file under `dir`, with its text. */
async function readTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(path, await readFile(path, 'utf8'));
    }
  }
  return files;
}

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  // A second, later issue whose title needs escaping; and a folder without issue.json, which is not an issue.
  const manifest = JSON.parse(await readFile(project.path('issues/2026-W48/issue.json'), 'utf8'));
  await project.write(
    'issues/2026-W49/issue.json',
    JSON.stringify({
      ...manifest,
      date: '2026-12-03',
      title: 'Tools & <Tactics>',
      preheader: 'Budgets "and" <b>bold</b> claims',
      summaries: manifest.summaries.map((s: string) => `../2026-W48/${s}`),
    }),
  );
  await project.write('issues/drafts/notes.md', 'not an issue');
  // A draft issue, which must stay out of the public archive.
  await project.write(
    'issues/2026-W50/issue.json',
    JSON.stringify({
      ...manifest,
      date: '2026-12-10',
      draft: true,
      summaries: manifest.summaries.map((s: string) => `../2026-W48/${s}`),
    }),
  );
  // An issue being prepared for a later week: not published before its date.
  await project.write(
    'issues/2026-W51/issue.json',
    JSON.stringify({
      ...manifest,
      date: '2026-12-17',
      summaries: manifest.summaries.map((s: string) => `../2026-W48/${s}`),
    }),
  );
  subscribers = JSON.parse(await readFile(project.path('subscribers.example.json'), 'utf8')).subscribers;
  result = await buildArchive({
    issuesDir: 'issues',
    outDir: 'site',
    cwd: project.dir,
    now: () => new Date('2026-12-05T12:00:00Z'),
  });
});

afterAll(async () => {
  await project?.cleanup();
});

describe('rolecast archive', () => {
  it('writes every issue, an index newest first and a feed', async () => {
    expect(result.entries.map((e) => e.id)).toEqual(['2026-W49', '2026-W48']);
    expect(result.skipped.map((s) => [s.dir.split('/').pop(), s.reason])).toEqual([
      ['2026-W50', 'draft'],
      ['2026-W51', 'future'],
    ]);
    const files = [...(await readTree(project.path('site'))).keys()]
      .map((f) => f.slice(project.path('site').length + 1))
      .sort();
    const { issue } = await loadProject({ issueDir: 'issues/2026-W48', cwd: project.dir });
    const perSummary = (id: string) => issue.summaries.map((s) => `${id}/${s.id}/index.html`);
    expect(files).toEqual(
      [
        '.rolecast-published.json',
        '2026-W48/index.html',
        ...perSummary('2026-W48'),
        '2026-W49/index.html',
        ...perSummary('2026-W49'),
        'feed.xml',
        'index.html',
      ].sort(),
    );
    const index = await readFile(project.path('site/index.html'), 'utf8');
    expect(index.indexOf('href="2026-W49/"')).toBeGreaterThan(-1);
    expect(index.indexOf('href="2026-W49/"')).toBeLessThan(index.indexOf('href="2026-W48/"'));
    expect(index).toContain('Tools &amp; &lt;Tactics&gt;');
    expect(index).not.toContain('<Tactics>');
  });

  it('each issue page is the editor edition with every summary', async () => {
    const page = await readFile(project.path('site/2026-W48/index.html'), 'utf8');
    const { issue } = await loadProject({ issueDir: 'issues/2026-W48', cwd: project.dir });
    for (const summary of issue.summaries) expect(page).toContain(escapeHtml(summary.title));
    expect(page).toContain('https://rolecast.example/archive/2026-W48/');
    expect(page).toContain('Hi there,');
  });

  it('has one page per summary, and every card of an issue page links to the article or that page', async () => {
    const { issue } = await loadProject({ issueDir: 'issues/2026-W48', cwd: project.dir });
    const page = await readFile(project.path('site/2026-W48/index.html'), 'utf8');
    for (const summary of issue.summaries) {
      const own = await readFile(project.path(`site/2026-W48/${summary.id}/index.html`), 'utf8');
      expect(own).toContain(`<h1>${escapeHtml(summary.title)}</h1>`);
      expect(own).toContain('href="https://rolecast.example/archive/2026-W48/"');
      // The archive shows full cards: every principle is on the issue page and the summary page.
      for (const principle of summary.principles) {
        expect(page).toContain(escapeHtml(principle));
        expect(own).toContain(escapeHtml(principle));
      }
      const link = summary.url ?? `https://rolecast.example/archive/2026-W48/${summary.id}/`;
      expect(page).toMatch(new RegExp(`<h3[^>]*><a href="${link.replace(/[.?+/]/g, '\\$&')}"`));
    }
  });

  it('holds no subscriber address, name or token', async () => {
    const tree = await readTree(project.path('site'));
    expect(tree.size).toBeGreaterThan(3);
    for (const [file, text] of tree) {
      expect(text, file).not.toMatch(/token=/i);
      expect(text, file).not.toContain(SAMPLE_MARKER);
      for (const subscriber of subscribers) {
        expect(text.toLowerCase(), file).not.toContain(subscriber.email.toLowerCase());
        expect(text.toLowerCase(), file).not.toContain(subscriber.email.split('@')[0]!.toLowerCase());
        if (subscriber.name) expect(text, file).not.toContain(subscriber.name);
      }
    }
  });

  it('the feed is well-formed Atom with escaped text and absolute links', async () => {
    const feed = await readFile(project.path('site/feed.xml'), 'utf8');
    expect(feed.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"')).toBe(
      true,
    );
    expect(isWellFormed(feed)).toBe(true);
    expect(feed).toContain('<id>https://rolecast.example/archive/</id>');
    expect(feed).toContain(
      '<link rel="self" type="application/atom+xml" href="https://rolecast.example/archive/feed.xml"/>',
    );
    // Feed updated = newest entry; entries newest first.
    expect(feed.slice(0, feed.indexOf('<entry>'))).toContain('<updated>2026-12-02T23:00:00Z</updated>');
    const entries = [...feed.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]!);
    expect(entries).toHaveLength(2);
    for (const entry of entries)
      for (const tag of ['id', 'title', 'updated', 'summary']) expect(entry).toContain(`<${tag}>`);
    expect(entries[0]).toContain(
      '<link rel="alternate" type="text/html" href="https://rolecast.example/archive/2026-W49/"/>',
    );
    expect(entries[0]).toContain('<title>Tools &amp; &lt;Tactics&gt; · 2026-W49</title>');
    expect(entries[0]).toContain('<summary>Budgets &quot;and&quot; &lt;b&gt;bold&lt;/b&gt; claims</summary>');
    expect(entries[0]).toContain('<updated>2026-12-02T23:00:00Z</updated>');
  });

  it('without an archive URL, links stay relative and ids are tag: URIs', async () => {
    const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8'));
    delete config.urls.archive;
    await writeFile(project.path('plain.config.json'), JSON.stringify(config));
    await buildArchive({ issuesDir: 'issues', outDir: 'plain', configFile: 'plain.config.json', cwd: project.dir });
    const feed = await readFile(project.path('plain/feed.xml'), 'utf8');
    expect(isWellFormed(feed)).toBe(true);
    expect(feed).toContain('<id>tag:weekly.rolecast.example,2026-12-03:2026-W49</id>');
    expect(feed).toContain('href="2026-W49/"');
    expect(feed).not.toContain('https://rolecast.example/archive');
    // Cards without an article link point at their summary page, relative to the issue page.
    const page = await readFile(project.path('plain/2026-W48/index.html'), 'utf8');
    expect(page).toContain('href="secrets-in-prompt-logs/"');
    const own = await readFile(project.path('plain/2026-W48/secrets-in-prompt-logs/index.html'), 'utf8');
    expect(own).toContain('href="../"');
  });

  it('runs from the CLI, and reports a missing --out', async () => {
    const ok = await runCli(['archive', '--out', 'cli-site'], {
      cwd: project.dir,
      env: { ROLECAST_SECRET: 'not-used-0123456789abcdefghijklmnop' },
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('archive of 2 issue(s)');
    const tree = await readTree(project.path('cli-site'));
    for (const text of tree.values()) expect(text).not.toMatch(/token=/);
    const missing = await runCli(['archive'], { cwd: project.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --out DIR');
  });
});

/** The build output's sample reader must never leak into the archive either. */
const SAMPLE_MARKER = 'reader.name@example.com';

/** Balanced tags, nothing unescaped outside tags: enough to catch a broken or injected feed. */
function isWellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  for (const match of body.matchAll(
    /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+);)/g,
  )) {
    const [whole, closing, name, , selfClosing] = match;
    if (whole === '<' || whole === '&') return false;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

describe('a summary page', () => {
  const site: ArchiveSite = {
    title: 'Test Weekly',
    lang: 'en-GB',
    baseUrl: undefined,
    atomId: 'tag:test',
    author: 'Test',
    primaryColor: '#1f3a5f',
  };
  const summary = (url: string) =>
    SummarySchema.parse({ id: 'one', title: 'One', summary: 'Text.', takeaway: 'Do it.', roles: ['CTO'], url });

  it('labels a mailto link as writing an email, an article link as reading', () => {
    const page = (url: string, language: 'en' | 'de' = 'en') =>
      renderSummaryPage({ site, language, summary: summary(url), issueTitle: 'Issue', issueHref: '../' });
    expect(page('mailto:editor@news.example')).toContain('>Send an email →</a>');
    expect(page('mailto:editor@news.example')).not.toContain('Read the article');
    expect(page('mailto:editor@news.example', 'de')).toContain('>E-Mail schreiben →</a>');
    expect(page('https://news.example/one')).toContain('>Read the article →</a>');
  });
});
