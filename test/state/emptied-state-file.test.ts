import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { sendIssue } from '../../src/send/index.js';
import { journalPath } from '../../src/send/journal.js';
import { openStateDb } from '../../src/send/store.js';
import { pathNoteOf } from '../../src/state/sqlite/path-note.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/**
 * A state file cut to 0 bytes (a copy onto a full disk, a repair after a crash) after sends wrote to
 * it reads as a new file: every reader never mailed, nobody suppressed. The note beside it, written
 * only after a commit, tells it from a file that was never written.
 */

let fixture: SendFixture | undefined;
afterEach(async () => {
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

function refusal(run: () => unknown): RolecastError {
  try {
    run();
  } catch (error) {
    if (error instanceof RolecastError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('a state file emptied after sends wrote to it', () => {
  it('is refused, read or write, and the next send mails nobody again; deleted, a new file starts', async () => {
    fixture = await sendFixture(6);
    const readers = await eligible(fixture);
    await send(fixture);
    const state = join(fixture.dir, '.rolecast/state.db');
    const outbox = join(fixture.dir, 'outbox/2026-W48');
    expect(readdirSync(outbox)).toHaveLength(readers.length);
    // As with SMTP, where no outbox file is left to warn of an earlier run.
    rmSync(outbox, { recursive: true });
    truncateSync(state, 0);
    rmSync(`${state}-wal`, { force: true });
    writeFileSync(
      journalPath(state),
      `${JSON.stringify({ email: readers[0], reason: 'unsubscribe', source: 'one-click', at: '2026-12-01T08:00:00.000Z' })}\n`,
    );

    for (const readonly of [false, true]) {
      const error = refusal(() => openStateDb(state, { readonly }));
      expect(error.code).toBe('E_STATE_DAMAGED');
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(
        /the state file \S+state\.db is damaged: it is empty \(0 bytes\), but \S+state\.db\.generation records \d+ change\(s\) written to it .*— restore it from a backup or move it aside; nothing was sent/,
      );
    }
    await expect(send(fixture)).rejects.toMatchObject({ code: 'E_STATE_DAMAGED' });
    expect(existsSync(outbox)).toBe(false);
    expect(existsSync(journalPath(state))).toBe(true);

    // Deleted on purpose with the note that a file with records lived there (as the README says,
    // to start afresh): a new file is used at once.
    rmSync(state);
    rmSync(pathNoteOf(state)!);
    const report = await send(fixture);
    expect(report.total.skipped.suppressed).toBe(1);
    expect(readdirSync(outbox)).toHaveLength(readers.length - 1);
  });

  it('an empty file never written (no note beside it) is still a new state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecast-empty-'));
    try {
      const state = join(dir, 'state.db');
      writeFileSync(state, '');
      const db = openStateDb(state);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'deliveries'").pluck().get()).toBe('deliveries');
      db.close();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
