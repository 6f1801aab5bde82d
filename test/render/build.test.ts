import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { addSuppression, openStateDb } from '../../src/send/index.js';
import { captureStreams, type TempProject, tempProject } from '../helpers/project.js';

/** `rolecast build` run in-process against a copy of the example project. */
async function build(project: TempProject, args: string[]) {
  const streams = captureStreams();
  const code = await main(['build', 'issues/2026-W48', '--out', 'out', ...args], {
    cwd: project.dir,
    env: {},
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, out: streams.out, err: streams.err };
}

interface ManifestEntry {
  id: string;
  roles: string[];
  summaryIds: string[];
  subject: string;
  htmlBytes: number;
  textBytes: number;
  recipients?: number;
}

describe('rolecast build', () => {
  let project: TempProject;
  afterEach(() => project.cleanup());

  it('writes one variant per role set among subscribers, with index and manifest', async () => {
    project = await tempProject({ withExample: true });
    const result = await build(project, ['--subscribers', 'subscribers.example.json']);
    // The example's one designer reads nothing this week: a warning, never an error.
    expect(result.err.trim().split('\n')).toEqual([
      expect.stringContaining('role "Designer" has 1 reader(s) but no summary this week'),
      expect.stringContaining('1 reader(s) get nothing this issue: sam.okafor@example.org (Designer)'),
    ]);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(await readFile(project.path('out/manifest.json'), 'utf8')) as {
      variants: ManifestEntry[];
      recipients: number;
      skipped: Record<string, number>;
    };
    const byId = new Map(manifest.variants.map((v) => [v.id, v]));
    expect(byId.get('cto+executive')?.summaryIds).toEqual([
      'build-buy-or-borrow-an-llm-gateway',
      'secrets-in-prompt-logs',
      'board-questions-on-ai-spend',
      'pricing-experiments-without-regret',
    ]);
    expect(byId.get('cto+executive')?.subject).toBe('Build, Buy, or Borrow an LLM Gateway + 3 more · Week 48');
    expect(byId.get('editor')?.summaryIds).toHaveLength(9);
    // Sam (Designer) has no content; Tomasz unsubscribed; the other ten each get one variant.
    expect(manifest.recipients).toBe(10);
    expect(manifest.skipped).toEqual({ 'no-content': 1, unsubscribed: 1 });
    expect(manifest.variants.reduce((sum, v) => sum + (v.recipients ?? 0), 0)).toBe(10);

    const index = await readFile(project.path('out/index.html'), 'utf8');
    for (const entry of manifest.variants) {
      const html = await readFile(project.path(`out/${entry.id}.html`), 'utf8');
      const text = await readFile(project.path(`out/${entry.id}.txt`), 'utf8');
      expect(Buffer.byteLength(html)).toBe(entry.htmlBytes);
      expect(Buffer.byteLength(text)).toBe(entry.textBytes);
      expect(html).toContain('Hi Reader,');
      expect(index).toContain(`href="${encodeURIComponent(entry.id)}.html"`);
      // Sample output carries no signed token: the build never needs the secret.
      expect(html).not.toContain('token=');
    }
  });

  it('counts suppressed addresses as skipped, reading the state file without creating one', async () => {
    project = await tempProject({ withExample: true });
    const stateFile = project.path('.rolecast/state.db');
    expect((await build(project, ['--subscribers', 'subscribers.example.json'])).code).toBe(0);
    expect(existsSync(stateFile)).toBe(false);

    const db = openStateDb(stateFile);
    addSuppression(db, 'PRIYA.RAMAN@example.com', { reason: 'complaint' });
    db.close();
    const result = await build(project, ['--subscribers', 'subscribers.example.json']);
    expect(result.code, result.err).toBe(0);
    const manifest = JSON.parse(await readFile(project.path('out/manifest.json'), 'utf8')) as {
      variants: ManifestEntry[];
      recipients: number;
      skipped: Record<string, number>;
    };
    expect(manifest.recipients).toBe(9);
    expect(manifest.skipped).toEqual({ 'no-content': 1, unsubscribed: 1, suppressed: 1 });
    expect(manifest.variants.reduce((sum, v) => sum + (v.recipients ?? 0), 0)).toBe(9);
    // Priya was the only CTO-only reader: her variant is no longer needed.
    expect(manifest.variants.map((v) => v.id)).not.toContain('cto');

    // --state names another state file; one that does not exist suppresses nobody and is not created.
    const other = await build(project, ['--subscribers', 'subscribers.example.json', '--state', 'other.db']);
    expect(other.code).toBe(0);
    expect(JSON.parse(await readFile(project.path('out/manifest.json'), 'utf8')).recipients).toBe(10);
    expect(existsSync(project.path('other.db'))).toBe(false);
  });

  it('without subscribers renders the editor edition and one variant per role', async () => {
    project = await tempProject({ withExample: true });
    const result = await build(project, []);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(await readFile(project.path('out/manifest.json'), 'utf8')) as {
      variants: ManifestEntry[];
    };
    expect(manifest.variants[0]?.id).toBe('editor');
    expect(manifest.variants.slice(1).every((v) => v.roles.length === 1)).toBe(true);
    expect(manifest.variants.map((v) => v.id)).toContain('security-lead');
  });

  it('exits 2 when a variant breaks the size gate', async () => {
    project = await tempProject({ withExample: true });
    const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8'));
    await writeFile(
      project.path('rolecast.config.json'),
      JSON.stringify({ ...config, sizeLimitKb: 20, sizeWarnKb: 10 }),
    );
    const result = await build(project, []);
    expect(result.code).toBe(2);
    expect(result.out).toMatch(/variant editor: HTML is [\d.]+ KB as encoded for sending, over the 20 KB limit/);
  });

  it('requires --out', async () => {
    project = await tempProject({ withExample: true });
    const streams = captureStreams();
    const code = await main(['build', 'issues/2026-W48'], {
      cwd: project.dir,
      env: {},
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(streams.err).toContain('missing --out DIR');
  });
});
