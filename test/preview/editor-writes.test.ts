import { execFile } from 'node:child_process';
import { chmod, lstat, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ISSUE_DIR, type PreviewFixture, startFixture } from './_fixture.js';

const MANIFEST = `${ISSUE_DIR}/issue.json`;

let fixture: PreviewFixture | undefined;
let undo: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await undo?.();
  undo = undefined;
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

/** The index page once `test` holds (the preview re-renders after a change on disk). */
async function until(f: PreviewFixture, test: (page: string) => boolean): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const page = await (await fetch(f.preview.url)).text();
    if (test(page) || Date.now() > deadline) return page;
    await new Promise((done) => setTimeout(done, 100));
  }
}

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

  it('moves a role that issue.json names by an alias, without writing it twice', async () => {
    fixture = await startFixture();
    const file = fixture.project.path(MANIFEST);
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    // The file names CTO by an alias; the panel shows, and posts, the canonical name.
    const aliased = ['Chief Technology Officer', ...manifest.roleOrder.filter((r: string) => r !== 'CTO')];
    const before = await pageVersion(fixture);
    await writeFile(file, JSON.stringify({ ...manifest, roleOrder: aliased }, null, 2));
    const page = await until(fixture, (html) => html.includes('data-issue-version=') && !html.includes(before));
    const shown = [
      ...(/id="edit-roles"[^>]*>([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? '').matchAll(/data-value="([^"]+)"/g),
    ].map((m) => m[1]!);
    expect(shown[0]).toBe('CTO');
    const moved = [shown[1]!, 'CTO', ...shown.slice(2)];
    const response = await save(fixture, { op: 'order', list: 'roleOrder', value: moved });
    expect(response.status, response.error).toBe(200);
    const written: string[] = JSON.parse(await readFile(file, 'utf8')).roleOrder;
    expect(written.slice(0, 2)).toEqual([shown[1], 'CTO']);
    expect(written).not.toContain('Chief Technology Officer');
  });

  it('says so when issue.json was moved away, instead of failing as a bug', async () => {
    fixture = await startFixture();
    const version = await pageVersion(fixture);
    await rename(fixture.project.path(MANIFEST), fixture.project.path('issue.json.moved'));
    const response = await save(fixture, setSubject('Moved away'), version);
    expect(response.status).toBe(500);
    expect(response.error).toContain(`${MANIFEST} is no longer there`);
    expect(fixture.logs.join('\n')).not.toContain('this is a bug');
  });

  it('leaves a read-only issue.json as it is, and says how to allow the edit', async () => {
    fixture = await startFixture();
    const file = fixture.project.path(MANIFEST);
    const before = await readFile(file, 'utf8');
    await chmod(file, 0o444);
    const response = await save(fixture, setSubject('Overwritten {{lead}}'));
    expect(response.status).toBe(500);
    expect(response.error).toContain(`${MANIFEST} is read-only`);
    expect(response.error).toContain('chmod u+w');
    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await stat(file)).mode & 0o777).toBe(0o444);
  });

  it('keeps the mode of issue.json whatever the umask (a file the team may write stays so)', async () => {
    fixture = await startFixture();
    const file = fixture.project.path(MANIFEST);
    await chmod(file, 0o664);
    const response = await save(fixture, setSubject('Shared with the team {{lead}}'));
    expect(response.status, response.error).toBe(200);
    expect(await readFile(file, 'utf8')).toContain('Shared with the team');
    expect((await stat(file)).mode & 0o777).toBe(0o664);
  });

  it('keeps the byte order mark and Windows line endings of issue.json', async () => {
    fixture = await startFixture();
    const file = fixture.project.path(MANIFEST);
    const text = await readFile(file, 'utf8');
    const before = await pageVersion(fixture);
    await writeFile(file, `\uFEFF${text.replace(/\r?\n/g, '\r\n')}`);
    await until(fixture, (page) => !page.includes(`data-issue-version="${before}"`));
    const response = await save(fixture, setSubject('Saved on Windows {{lead}}'));
    expect(response.status, response.error).toBe(200);
    const saved = await readFile(file, 'utf8');
    expect(saved).toContain('Saved on Windows');
    expect(saved.startsWith('\uFEFF{\r\n')).toBe(true);
    expect(saved.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('writes through a linked issue.json, keeping the link', async () => {
    fixture = await startFixture();
    const file = fixture.project.path(MANIFEST);
    const shared = fixture.project.path('shared-issue.json');
    await rename(file, shared);
    await symlink(shared, file);
    const response = await save(fixture, setSubject('Through the link {{lead}}'));
    expect(response.status, response.error).toBe(200);
    expect(await readFile(shared, 'utf8')).toContain('Through the link');
    expect((await lstat(file)).isSymbolicLink()).toBe(true);
  });

  it('reports a write the file system refuses, leaving the file and no temp file behind', async (context) => {
    fixture = await startFixture();
    const file = fixture.project.path(MANIFEST);
    const before = await readFile(file, 'utf8');
    const version = await pageVersion(fixture);
    undo = await freeze(dirname(file));
    if (!undo) return context.skip('cannot make a folder unwritable here');
    const response = await save(fixture, setSubject('Nowhere to go {{lead}}'), version);
    expect(response.status).toBe(500);
    expect(response.error).toContain(`${MANIFEST} could not be written`);
    expect(response.error).toContain('the file on disk is unchanged');
    expect(fixture.logs.join('\n')).not.toContain('this is a bug');
    await undo();
    undo = undefined;
    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await readdir(dirname(file))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

/** Makes a folder refuse new files: its mode for a user, the immutable flag for root. */
async function freeze(dir: string): Promise<(() => Promise<unknown>) | undefined> {
  if (process.getuid?.() !== 0) {
    await chmod(dir, 0o555);
    return () => chmod(dir, 0o755);
  }
  const run = promisify(execFile);
  try {
    await run('chattr', ['+i', dir]);
    return () => run('chattr', ['-i', dir]);
  } catch {
    return undefined;
  }
}
