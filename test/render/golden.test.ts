import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import { compileAudience, type PersonalFields } from '../../src/render/index.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

/**
 * Golden files for the example issue. After an intended change to templates or rendering, run
 * `UPDATE_GOLDEN=1 npx vitest run test/render/golden.test.ts` and review the diff.
 */
const GOLDEN_DIR = join(REPO_ROOT, 'test/golden/2026-W48');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

async function renderExample(): Promise<Record<string, string>> {
  const project = await loadProject({
    issueDir: EXAMPLE_ISSUE,
    subscribersFile: join(REPO_ROOT, 'subscribers.example.json'),
    cwd: REPO_ROOT,
  });
  const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers ?? []);
  const compiled = await compileAudience(project, plan.variants);
  const fields = (email: string, name: string, locale: string, timezone: string): PersonalFields => {
    const links = personalLinks(project.config, 'golden-secret', project.issue.id, email);
    return {
      email,
      name,
      locale,
      timezone,
      unsubscribeUrl: links.unsubscribeUrl,
      preferencesUrl: links.preferencesUrl,
      viewOnlineUrl: links.viewOnlineUrl,
    };
  };
  const editor = compiled.get('editor')!.personalise(fields('editor@example.com', 'Editor', 'en-GB', 'Europe/Berlin'));
  const jonas = compiled
    .get('cto+executive')!
    .personalise(fields('jonas.becker@example.org', 'Jonas Becker', 'de-DE', 'Europe/Berlin'));
  const subjects = [...compiled.values()].map(
    (c) => `${c.variant.id}\t${c.subject}\t${c.variant.summaryIds.join(' ')}`,
  );
  return {
    'editor.html': editor.html,
    'editor.txt': editor.text,
    'cto+executive.de-DE.html': jonas.html,
    'cto+executive.de-DE.txt': jonas.text,
    'variants.tsv': `${subjects.join('\n')}\n`,
  };
}

describe('a message in another language than the list', () => {
  it("marks the stories and the issue's own text with the list's language, and nothing in a list-language message", async () => {
    const rendered = await renderExample();
    const german = rendered['cto+executive.de-DE.html']!;
    expect(german).toMatch(/<html[^>]* lang="de"/);
    const titles = german.match(/<h3\b[^>]*>/g) ?? [];
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(title).toContain('lang="en-GB"');
    // The labels around a story are German and stay unmarked.
    expect(german).toMatch(/>Das Wichtigste<\/p><p dir="auto" lang="en-GB"/);
    expect(german).toMatch(/<h1 lang="en-GB"/);
    const english = rendered['editor.html']!;
    // The html element and MJML's article wrapper name the language; nothing else does.
    expect(english.match(/ lang="/g)).toHaveLength(2);
    expect(english).not.toMatch(/<(h1|h3|p|ul|li|span|a)\b[^>]* lang="/);
  });
});

describe('golden render of the example issue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('matches the stored HTML and text', async () => {
    const rendered = await renderExample();
    if (UPDATE) {
      await mkdir(GOLDEN_DIR, { recursive: true });
      for (const [name, content] of Object.entries(rendered)) await writeFile(join(GOLDEN_DIR, name), content);
    }
    for (const [name, content] of Object.entries(rendered)) {
      const file = join(GOLDEN_DIR, name);
      expect(existsSync(file), `${file} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
      expect(content, `${name} differs from the golden file; if intended, run with UPDATE_GOLDEN=1`).toBe(
        await readFile(file, 'utf8'),
      );
    }
  });

  it('does not depend on the clock or the machine’s time zone', async () => {
    const reference = await renderExample();
    const savedTz = process.env.TZ;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-02-03T04:05:06Z'));
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      expect(await renderExample()).toEqual(reference);
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
  });
});
