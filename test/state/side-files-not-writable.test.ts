import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb } from '../../src/send/store.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/**
 * A state file whose write-ahead log or index this user may not write (left by another user, a
 * read-only mount) is opened by SQLite read-only without a word: the send then failed at its first
 * record with "attempt to write a readonly database", told as a full disk, naming neither file.
 * Permissions do not stop root, so the file is made immutable (chattr +i), which stops root too.
 */

let fixture: SendFixture | undefined;
let locked: string | undefined;
afterEach(async () => {
  if (locked) execFileSync('chattr', ['-i', locked]);
  locked = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

function send(f: SendFixture) {
  return sendIssue({
    issueDir: f.issueDir,
    subscribersFile: f.subscribersFile,
    cwd: f.dir,
    env: sendEnv(),
    log: () => {},
  });
}

function makeImmutable(path: string): void {
  if (process.getuid?.() !== 0) throw new Error('this test makes a file immutable with chattr +i, which needs root');
  execFileSync('chattr', ['+i', path]);
  locked = path;
}

describe.each(['-wal', '-shm'])('a state file whose %s this user may not write', (suffix) => {
  it('stops the send before anything is sent, naming the file; once writable, each reader is mailed once', async () => {
    fixture = await sendFixture(6);
    const state = fixture.temp.path('.rolecast/state.db');
    openStateDb(state).close();
    const side = `${state}${suffix}`;
    if (!existsSync(side)) writeFileSync(side, '');
    makeImmutable(side);
    const outbox = join(fixture.dir, 'outbox', '2026-W48');

    await expect(send(fixture)).rejects.toMatchObject({
      code: 'E_INVALID',
      exitCode: 2,
      message: expect.stringContaining(`the state file ${state} cannot be written: ${side}`),
      hint: expect.stringContaining('nothing was sent'),
    });
    expect(existsSync(outbox) ? readdirSync(outbox) : []).toEqual([]);

    execFileSync('chattr', ['-i', side]);
    locked = undefined;
    await send(fixture);
    const readers = await eligible(fixture);
    expect(readdirSync(outbox)).toHaveLength(readers.length);
    const again = await send(fixture);
    expect(again.total.sent).toBe(0);
    expect(readdirSync(outbox)).toHaveLength(readers.length);
  });
});
