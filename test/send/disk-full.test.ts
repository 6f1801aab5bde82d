import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { haltedHint } from '../../src/send/report.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A state file that fills up in the middle of a send (SQLite's own "database or disk is full",
 * from `max_page_count` through a test hook), against a real SMTP server with several connections:
 * sending stops at once, and every message the server accepted is either in the ledger or in the
 * report's "not recorded" list.
 */

const CONCURRENCY = 3;
const opened = useSendFixture<TestSmtpServer>();

function recordedSent(f: SendFixture): { email: string; message_id: string }[] {
  const db = new Database(`${f.dir}/.rolecast/state.db`, { readonly: true });
  try {
    return db.prepare("SELECT email, message_id FROM deliveries WHERE status = 'sent'").all() as {
      email: string;
      message_id: string;
    }[];
  } finally {
    db.close();
  }
}

describe('a full disk under the ledger', () => {
  it('stops sending at once; every accepted message is recorded or listed as not recorded', async () => {
    opened.fixture = await sendFixture(120, { concurrency: CONCURRENCY });
    opened.server = await startSmtpServer({ faults: { dataDelayMs: 15 } });
    const report = await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: { ...sendEnv(opened.server.url()), ROLECAST_TEST_STATE_GROWTH_PAGES: '1' },
      smtpTimeouts: { socketMs: 5_000 },
    });
    const accepted = (await opened.server.messages()).map((m) => ({
      email: m.envelope.to[0]!,
      messageId: m.parsed.messageId!,
    }));
    const recorded = recordedSent(opened.fixture);
    const unrecorded = report.halted?.unrecorded ?? [];
    expect(report.halted?.reason).toMatch(/could not be written: database or disk is full/);
    expect(recorded.length).toBeGreaterThan(0);
    expect(report.total.pending).toBeGreaterThan(0);
    const key = (email: string, id: string) => `${email.toLowerCase()} ${id}`;
    expect(accepted.map((a) => key(a.email, a.messageId)).sort()).toEqual(
      [...recorded.map((r) => key(r.email, r.message_id)), ...unrecorded.map((u) => key(u.email, u.messageId))].sort(),
    );
    // Only the messages already on the wire went out after the failed write: one per connection.
    expect(unrecorded.length).toBeGreaterThan(0);
    expect(unrecorded.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(existsSync(report.halted!.unrecordedFile!)).toBe(true);
    expect(readFileSync(report.halted!.unrecordedFile!, 'utf8').trim().split('\n')).toHaveLength(unrecorded.length);

    // Space is back: the same command records the listed messages first and sends each reader one copy.
    const lines: string[] = [];
    const again = await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      log: (line) => lines.push(line),
    });
    expect(again.halted).toBeUndefined();
    expect(lines.join('\n')).toContain(
      `recorded ${unrecorded.length} message(s) an earlier run sent but could not record`,
    );
    expect(again.total.skipped.alreadySent).toBe(recorded.length + unrecorded.length);
    const all = (await opened.server.messages()).map((m) => m.envelope.to[0]!);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(report.total.planned);
    expect(existsSync(report.halted!.unrecordedFile!)).toBe(false);
  });
});

describe('a run stopped by a write that failed', () => {
  it('names the lock, not the disk, when another program kept the state file locked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecast-locked-'));
    const holder = new Database(join(dir, 'state.db'));
    const writer = new Database(join(dir, 'state.db'), { timeout: 0 });
    try {
      holder.exec('CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
      let reason = '';
      try {
        writer.exec('INSERT INTO t VALUES (2)');
      } catch (error) {
        reason = (error as Error).message;
      }
      expect(reason).not.toBe('');
      expect(haltedHint({ reason, unrecorded: [] })).toMatch(/^another program kept the state file locked/);
      expect(haltedHint({ reason: 'database or disk is full', unrecorded: [] })).toMatch(/^free space on that disk/);
    } finally {
      holder.close();
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
