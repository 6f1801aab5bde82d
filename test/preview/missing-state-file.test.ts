import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type PreviewServer, startPreview } from '../../src/preview/index.js';
import { notePath } from '../../src/state/sqlite/path-note.js';
import { perTest } from '../helpers/per-test.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { ISSUE_DIR, rawGet, SUBSCRIBERS } from './_fixture.js';

/**
 * A preview given `--state FILE` where no file is (a typo, a folder not mounted) read no
 * suppression list and said nothing: every suppressed reader was shown as receiving the issue, and
 * "Send me a test" went to a suppressed address unchecked. It now says so, on the page, in the
 * terminal and beside a test's outcome.
 */

const SECRET = 'preview-missing-state-0123456789abcdefgh';
const opened = perTest<{ preview: PreviewServer; server: TestSmtpServer; project: TempProject }>([
  'preview',
  'server',
  'project',
]);

async function preview(stateFile: string | undefined, prepare: (project: TempProject) => void = () => {}) {
  const project = await tempProject({ withExample: true });
  opened.project = project;
  prepare(project);
  opened.server = await startSmtpServer();
  const logs: string[] = [];
  const server = await startPreview({
    issueDir: ISSUE_DIR,
    subscribersFile: SUBSCRIBERS,
    stateFile,
    cwd: project.dir,
    port: 0,
    env: { SMTP_URL: opened.server.url(), ROLECAST_SECRET: SECRET },
    log: (line) => logs.push(line),
  });
  opened.preview = server;
  const testSend = async () => {
    const response = await fetch(new URL('/__test-send', server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Rolecast-Token': server.token },
      body: JSON.stringify({ to: 'editor@example.org', kind: 'variant', key: 'editor' }),
    });
    return { status: response.status, body: (await response.json()) as { message?: string; error?: string } };
  };
  return { project, server, logs, testSend, index: async () => (await rawGet(server.port, '/')).body };
}

describe('the preview given a --state FILE that is not there', () => {
  it('warns on the page, in the terminal and beside a test send that no suppression list is checked', async () => {
    const { logs, testSend, index } = await preview('elsewhere/stat.db');
    const said =
      /there is no state file at elsewhere\/stat\.db \(.*elsewhere\/stat\.db\): nobody is shown as suppressed, and (&quot;|")Send me a test(&quot;|") checks no suppression list/;
    expect(await index()).toMatch(said);
    expect(logs.join('\n')).toMatch(said);
    expect(logs.join('\n')).toContain('give --state the file your sends use');
    const sent = await testSend();
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.message).toMatch(said);
    expect(opened.server!.counts.rcpt).toBe(1);
  });

  it('names a path where a state file with records lived, as send does when it refuses to start afresh there', async () => {
    const { index, logs } = await preview(undefined, (project) =>
      notePath(project.path('.rolecast/state.db'), { id: randomUUID(), counter: 12 }),
    );
    const page = await index();
    expect(page).toMatch(/state\.db is missing \(or empty\), but [^<]*held at least 12 change\(s\)/);
    expect(page).toContain('checks no suppression list');
    expect(logs.join('\n')).toContain('is missing (or empty)');
  });

  it('says nothing of a project never sent, with no --state and no state file yet', async () => {
    const { index, logs } = await preview(undefined);
    expect(await index()).toContain('id="variants"');
    expect(await index()).not.toContain('checks no suppression list');
    expect(logs.join('\n')).not.toContain('checks no suppression list');
  });
});
