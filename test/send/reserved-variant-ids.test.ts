import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EDITOR_VARIANT_ID, planAudience } from '../../src/group/index.js';
import { sendIssue } from '../../src/send/index.js';
import { perTest } from '../helpers/per-test.js';
import { captureStreams } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A role's slug may spell an id the product keeps for itself: the editor edition's ("Editor") and
 * the index page `rolecast build` writes ("Index"). Readers holding only that role must get their
 * own section, never the editor edition.
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);
const SUMMARY = 'page-budget-for-on-call.txt';

async function withRole(fixture: SendFixture, role: string): Promise<string> {
  const file = join(fixture.issueDir, 'summaries', SUMMARY);
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/^Best for: .*$/m, `Best for: ${role}`));
  const titled = text.split('\n')[0]!.trim();
  return titled;
}

describe('role sets whose slug is a reserved id', () => {
  it.each(['Editor', 'Index'])(
    'a reader holding only "%s" gets that section alone, not the editor edition',
    async (role) => {
      opened.fixture = await sendFixture(0, {}, [
        { email: 'only@example.test', name: 'Only', roles: [role], status: 'active' },
        { email: 'cto@example.test', name: 'Cto', roles: ['CTO'], status: 'active' },
      ]);
      const title = await withRole(opened.fixture, role);
      const project = await opened.fixture.load();
      const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
      const ids = plan.variants.map((v) => v.id);
      expect(ids).not.toContain(EDITOR_VARIANT_ID);
      expect(ids).not.toContain('index');

      opened.server = await startSmtpServer();
      const report = await sendIssue({
        issueDir: opened.fixture.issueDir,
        subscribersFile: opened.fixture.subscribersFile,
        cwd: opened.fixture.dir,
        env: sendEnv(opened.server.url()),
      });
      expect(report.total.sent).toBe(2);
      const messages = await opened.server.messages();
      const only = messages.find((m) => m.envelope.to.includes('only@example.test'))!;
      const text = only.parsed.text ?? '';
      expect(text).toContain(title);
      // Every other summary of the issue is the editor edition's, not this reader's.
      const others = project.issue.summaries.filter((s) => !s.roles.includes(role));
      expect(others.length).toBeGreaterThan(0);
      for (const summary of others) expect(text).not.toContain(summary.title);
    },
  );

  it('rolecast build keeps the index page and the "Index" role set apart', async () => {
    opened.fixture = await sendFixture(0, {}, [
      { email: 'only@example.test', name: 'Only', roles: ['Index'], status: 'active' },
    ]);
    await withRole(opened.fixture, 'Index');
    const streams = captureStreams();
    const out = join(opened.fixture.dir, 'build-out');
    const code = await main(['build', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--out', out], {
      cwd: opened.fixture.dir,
      env: {},
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code, streams.err).toBe(0);
    const files = await readdir(out);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { variants: { id: string }[] };
    for (const { id } of manifest.variants) expect(files).toContain(`${id}.html`);
    expect(manifest.variants.map((v) => v.id)).not.toContain('index');
    expect(await readFile(join(out, 'index.html'), 'utf8')).toMatch(/<html/i);
  });
});
