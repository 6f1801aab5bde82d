import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startPreview } from '../../src/preview/index.js';
import { addSuppression, openStateDb } from '../../src/send/store.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { ISSUE_DIR, SUBSCRIBERS } from './_fixture.js';

/**
 * A project whose state lives elsewhere (`send --state FILE`) is previewed with the same `--state`:
 * its "send me a test" never mails an address that file's suppression list holds, in any spelling.
 */

const SECRET = 'preview-state-file-0123456789abcdefghij';
const opened: { project?: TempProject; server?: TestSmtpServer; close?: () => Promise<void> } = {};
afterEach(async () => {
  await opened.close?.();
  await opened.server?.close();
  await opened.project?.cleanup();
  opened.close = undefined;
  opened.server = undefined;
  opened.project = undefined;
});

describe('the preview given --state FILE', () => {
  it('refuses a test to an address that file suppresses, written in another case, and sends nothing', async () => {
    const project = await tempProject({ withExample: true });
    opened.project = project;
    mkdirSync(project.path('elsewhere'));
    const db = openStateDb(project.path('elsewhere/state.db'));
    addSuppression(db, 'anna.schmidt@example.org', { reason: 'complaint', source: 'import' });
    db.close();
    opened.server = await startSmtpServer();
    const env = { SMTP_URL: opened.server.url(), ROLECAST_SECRET: SECRET };
    const preview = await startPreview({
      issueDir: ISSUE_DIR,
      subscribersFile: SUBSCRIBERS,
      stateFile: 'elsewhere/state.db',
      cwd: project.dir,
      port: 0,
      env,
      log: () => {},
    });
    opened.close = () => preview.close();
    const response = await fetch(new URL('/__test-send', preview.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Rolecast-Token': preview.token },
      body: JSON.stringify({ to: 'Anna.Schmidt@EXAMPLE.org', kind: 'variant', key: 'editor' }),
    });
    const body = (await response.json()) as { error?: string };
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(body.error).toMatch(/is on the suppression list: no message is sent to it/);
    expect(opened.server.counts.rcpt).toBe(0);

    // The CLI takes the option too, as `send` and `build` do.
    const help = await runCli(['preview', '--help'], { cwd: project.dir });
    expect(help.stdout + help.stderr).toContain('--state FILE');
  });
});
