import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { LONE, namedIn, listReader as reader, trackedFixture } from '../helpers/click-tags.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv } from '../send/_fixture.js';

/**
 * A role set's `?v=` is decided once per issue: a role set one reader held in the first run stays
 * unnamed in the run that mails a second reader of it, so no click can be told to be theirs.
 */
let smtp: TestSmtpServer | undefined;
let fixture: SendFixture | undefined;
afterEach(async () => {
  await smtp?.close();
  await fixture?.cleanup();
  smtp = fixture = undefined;
});

describe("a role set's ?v= across runs of one issue", () => {
  it('stays as the first run decided, where a reader added later would have been alone with one', async () => {
    const first = [
      reader('alone@example.test', LONE),
      reader('c1@example.test', ['VP of Data']),
      reader('c2@example.test', ['VP of Data']),
    ];
    fixture = await trackedFixture(first);
    smtp = await startSmtpServer();
    const send = () =>
      sendIssue({
        issueDir: fixture!.issueDir,
        subscribersFile: fixture!.subscribersFile,
        cwd: fixture!.dir,
        env: sendEnv(smtp!.url()),
      });
    expect((await send()).total.sent).toBe(3);
    // A second reader of the lone role set, and a new role set of two, join before the next run.
    const later = [
      ...first,
      reader('joined@example.test', LONE),
      reader('d1@example.test', ['Engineering Manager']),
      reader('d2@example.test', ['Engineering Manager']),
    ];
    await writeFile(fixture.subscribersFile, JSON.stringify({ subscribers: later }));
    expect((await send()).total.sent).toBe(3);

    const named = await namedIn(smtp);
    // The lone role set was not named in the first run, so it is not for the reader who joined it.
    for (const who of ['alone@example.test', 'joined@example.test'])
      expect(named.get(who)!.every((v) => v === undefined)).toBe(true);
    // Role sets of two or more are named, whichever run first met them.
    for (const who of ['c1@example.test', 'c2@example.test', 'd1@example.test', 'd2@example.test'])
      expect(named.get(who)!.every((v) => v !== undefined)).toBe(true);
  }, 120_000);

  it('is decided by the whole list when a run sends to part of it, as a wave of a scheduled send does', async () => {
    const list = [
      reader('first@example.test', LONE),
      reader('second@example.test', LONE),
      reader('c1@example.test', ['VP of Data']),
    ];
    fixture = await trackedFixture(list);
    smtp = await startSmtpServer();
    // Two waves, each with one reader of the role set the whole list gives two.
    for (const wave of [['first@example.test', 'c1@example.test'], ['second@example.test']])
      await sendIssue({
        issueDir: fixture.issueDir,
        subscribersFile: fixture.subscribersFile,
        cwd: fixture.dir,
        env: sendEnv(smtp.url()),
        onlyEmails: new Set(wave),
      });
    const named = await namedIn(smtp);
    expect([...named.keys()].sort()).toEqual(['c1@example.test', 'first@example.test', 'second@example.test']);
    for (const who of ['first@example.test', 'second@example.test'])
      expect(named.get(who)!.every((v) => v !== undefined)).toBe(true);
    // c1 alone holds its role set in the whole list: named in no wave.
    expect(named.get('c1@example.test')!.every((v) => v === undefined)).toBe(true);
  }, 120_000);
});
