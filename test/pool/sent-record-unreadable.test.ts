import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { poolProject } from './_fixture.js';

/**
 * An issue's picked.json is what keeps a story it sent used once the story is taken out of its
 * issue.json. A record that did not read (cut short by a full disk, made a folder by a restore tool)
 * was taken as no record at all, the folder without a word: the stories it marked sent were offered
 * to the next issue again. Each is now named, with what it costs and what to do; no record is fine.
 */

let project: TempProject | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
  await project?.cleanup();
});

const READERS = JSON.stringify([{ email: 'ana@example.com', roles: ['CTO', 'Executive'] }]);

async function madeWeek(): Promise<TempProject> {
  project = (await poolProject({ 'subscribers.json': READERS })).project;
  expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
  return project;
}

describe('an issue whose picked.json does not read', () => {
  it('is named by pool and new when the record is cut short, saying a sent story would be offered again', async () => {
    const p = await madeWeek();
    const file = p.path('issues/2026-W48/picked.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    for (const argv of [['pool'], ['new', '--week', '2026-W49']]) {
      const run = await runMain(p.dir, argv);
      expect(run.all).toContain('issues/2026-W48/picked.json');
      expect(run.all).toContain('this issue sent are not known');
      expect(run.all).toContain('would be offered again');
      expect(run.all.match(/picked\.json/g)?.length, run.all).toBe(1);
      expect(run.all).toContain('does not parse as JSON: ');
      expect(run.all).toContain(`at position ${Math.floor(text.length / 2)}), so`);
      expect(run.all).not.toContain('not a record rolecast wrote');
    }
  });

  it('is left as it is by a send the server accepts, with a warning, not rewritten with only what the issue sends', async () => {
    const p = await madeWeek();
    const file = p.path('issues/2026-W48/picked.json');
    const text = await readFile(file, 'utf8');
    const cut = text.slice(0, Math.floor(text.length / 2));
    await writeFile(file, cut);
    smtp = await startSmtpServer();
    const sent = await runMain(p.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      SMTP_URL: smtp.url(),
    });
    expect(sent.code, sent.all).toBe(0);
    expect(smtp.counts.accepted).toBe(1);
    expect(await readFile(file, 'utf8')).toBe(cut);
    expect(sent.all).toContain('issues/2026-W48/picked.json was left as it is');
    expect(sent.all).toContain('does not parse as JSON');
    expect(sent.all).toContain('restore it');
  });

  it('is named when the record is a folder, not passed over as if there were none', async () => {
    const p = await madeWeek();
    const file = p.path('issues/2026-W48/picked.json');
    await rm(file);
    await mkdir(file);
    const run = await runMain(p.dir, ['pool']);
    expect(run.all).toContain('issues/2026-W48/picked.json');
    expect(run.all).toContain('could not be read (EISDIR');
    expect(run.all).toContain('restore it');
  });

  it('says nothing of a record an issue never had', async () => {
    const p = await madeWeek();
    await rm(p.path('issues/2026-W48/picked.json'));
    const run = await runMain(p.dir, ['pool']);
    expect(run.code, run.all).toBe(0);
    expect(run.all).not.toContain('picked.json');
  });
});
