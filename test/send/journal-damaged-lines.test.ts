import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { sendIssue } from '../../src/send/index.js';
import { journalPath, replayJournal } from '../../src/send/journal.js';
import { openStateDb } from '../../src/send/store.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * An unsubscribe journal `serve` wrote holds a line that no longer parses: damage to a line that was
 * answered "done", or a write a crash cut short (never answered). Whole addresses in such a line are
 * still suppressed, a line cut short is passed over and named, and a line with no address that is
 * not a write cut short stops the command with the journal kept, rather than be deleted with it.
 */

const line = (email: string) =>
  JSON.stringify({ email, reason: 'unsubscribe', source: 'one-click', at: '2026-12-01T08:00:00.000Z' });
// The middle of an answered line overwritten: its address is whole, the line is not JSON.
const damagedAround = (email: string) => line(email).replace('"source"', '"so\u0000\u0000\u00ffce"');

let dir: string | undefined;
let fixture: SendFixture | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await fixture?.cleanup();
  dir = fixture = undefined;
});

async function stateWithJournal(text: string) {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-journal-'));
  const file = join(dir, 'state.db');
  const db = openStateDb(file);
  writeFileSync(journalPath(file), text);
  const suppressed = () => db.prepare('SELECT email FROM suppressions ORDER BY email').pluck().all() as string[];
  return { db, file, suppressed };
}

describe('applying a journal with a line that does not parse', () => {
  it('suppresses the address of a damaged line and the lines around it, and names a line cut short', async () => {
    const { db, suppressed } = await stateWithJournal(
      `${line('a@example.test')}\n${damagedAround('b@example.test')}\n${line('c@example.test')}\n{"email":"d@exa`,
    );
    const result = replayJournal(db);
    expect(suppressed()).toEqual(['a@example.test', 'b@example.test', 'c@example.test']);
    expect(result.readAround?.map((ref) => ref.line)).toEqual([2]);
    expect(result.cutShort?.map((ref) => ref.line)).toEqual([4]);
    expect(readdirSync(dir!).filter((name) => name.includes('journal'))).toEqual([]);
    db.close();
  });

  it('refuses a line with no address that is not a write cut short, keeping the journal and committing nothing', async () => {
    const garbage = '\u0000\u0013\u00ff\u00fe{"em\u0000\u0000il" x7\u0001';
    const { db, file, suppressed } = await stateWithJournal(
      `${line('a@example.test')}\n${garbage}\n${line('c@example.test')}\n`,
    );
    let refused: unknown;
    try {
      replayJournal(db);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RolecastError);
    const error = refused as RolecastError;
    expect(error.code).toBe('E_STATE_DAMAGED');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(
      /the unsubscribe journal \S+state\.db\.unsubscribe-journal\S* is damaged at line 2: /,
    );
    expect(error.hint).toMatch(/delete the line; then run the same command again/);
    expect(suppressed()).toEqual([]);
    // Kept (set aside under its replay name): the next apply, once the line is mended, reads it.
    const kept = readdirSync(dir!).filter((name) => name.startsWith('state.db.unsubscribe-journal'));
    expect(kept).toHaveLength(1);
    writeFileSync(join(dir!, kept[0]!), `${line('a@example.test')}\n${line('c@example.test')}\n`);
    replayJournal(db);
    expect(suppressed()).toEqual(['a@example.test', 'c@example.test']);
    expect(existsSync(journalPath(file))).toBe(false);
    db.close();
  });
});

describe('a send over such a journal', () => {
  it('does not mail the reader whose journal line was damaged, and says which line it read around', async () => {
    fixture = await sendFixture(6);
    const readers = await eligible(fixture);
    mkdirSync(join(fixture.dir, '.rolecast'));
    writeFileSync(
      journalPath(join(fixture.dir, '.rolecast/state.db')),
      `${line(readers[0]!)}\n${damagedAround(readers[1]!)}\n`,
    );
    const logged: string[] = [];
    const report = await sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: sendEnv(),
      log: (message: string) => logged.push(message),
    });
    const mailed = readdirSync(join(fixture.dir, 'outbox/2026-W48')).map((name) => name.replace(/\.eml$/, ''));
    expect(mailed).toEqual(readers.slice(2));
    expect(report.total.skipped.suppressed).toBe(2);
    expect(logged.join('\n')).toMatch(
      /line 2 of the unsubscribe journal \S+ was damaged; the address in it was read and is suppressed/,
    );
  });
});
