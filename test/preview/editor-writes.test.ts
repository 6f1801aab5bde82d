import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ISSUE_DIR, type PreviewFixture, startFixture } from './_fixture.js';

const MANIFEST = `${ISSUE_DIR}/issue.json`;

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** The version of issue.json the index page was rendered from, as the editor panel sends it. */
async function pageVersion(f: PreviewFixture): Promise<string> {
  const page = await (await fetch(f.preview.url)).text();
  const version = /data-issue-version="([^"]+)"/.exec(page)?.[1];
  if (!version) throw new Error('no editor panel on the index page');
  return version;
}

/** A save as the editor panel posts it: this run's token, JSON, from this machine. */
async function save(f: PreviewFixture, edit: unknown, version?: string) {
  const response = await fetch(new URL('/__edit', f.preview.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Rolecast-Token': f.preview.token },
    body: JSON.stringify({ version: version ?? (await pageVersion(f)), edit }),
  });
  const text = await response.text();
  let body: { error?: string; version?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { error: `(not JSON) ${text}` };
  }
  return { status: response.status, ...body };
}

const setSubject = (subject: string) => ({ op: 'set', fields: { subject } });

describe('saving issue.json from the editor panel', () => {
  it('refuses a subject the issue would not load with, and says why, instead of writing it', async () => {
    fixture = await startFixture();
    const before = await readFile(fixture.project.path(MANIFEST), 'utf8');
    const unclosed = await save(fixture, setSubject('{{#if lead}}Big week'));
    expect(unclosed.status).toBe(422);
    expect(unclosed.error).toContain('{{#if}} is never closed with {{/if}}');
    const typo = await save(fixture, setSubject('{{lead}} · {{wek}}'));
    expect(typo.status).toBe(422);
    expect(typo.error).toContain('did you mean {{week}}');
    expect(await readFile(fixture.project.path(MANIFEST), 'utf8')).toBe(before);
    // A subject the loader takes is still written.
    expect((await save(fixture, setSubject('{{top}} · {{weekLabel}}'))).status).toBe(200);
  });

  it('keeps no-break spaces in the subject and preheader, folding only line breaks', async () => {
    fixture = await startFixture();
    const response = await save(fixture, {
      op: 'set',
      fields: { subject: '{{lead}} ·\u00a010\u00a0km\nrun', preheader: '«\u00a0mot\u00a0» and\u202f!' },
    });
    expect(response.status, response.error).toBe(200);
    const written = JSON.parse(await readFile(fixture.project.path(MANIFEST), 'utf8'));
    expect(written.subject).toBe('{{lead}} ·\u00a010\u00a0km run');
    expect(written.preheader).toBe('«\u00a0mot\u00a0» and\u202f!');
  });
});
