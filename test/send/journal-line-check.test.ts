import { mkdirSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { sendIssue } from '../../src/send/index.js';
import { replayJournal } from '../../src/send/journal.js';
import { journaledAddresses } from '../../src/send/journal-watch.js';
import { openStateDb } from '../../src/send/store.js';
import { journalEntry, journalWith } from '../helpers/journal.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * Each journal line carries a check of what it holds, so damage on disk that turns an address into
 * another well-formed one (a flipped byte, the closing quote overwritten) is told from a real line:
 * one damaged character is put back and that reader suppressed; a line whose reader cannot be told
 * stops the send, naming the journal and the line. Lines written without a check read as before.
 */

let dir: string | undefined;
let fixture: SendFixture | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await fixture?.cleanup();
  dir = fixture = undefined;
});

async function applied(emails: string[], damage: (text: string) => string) {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-journal-check-'));
  const file = join(dir, 'state.db');
  const db = openStateDb(file);
  journalWith(file, emails, damage);
  try {
    const result = replayJournal(db);
    const rows = db.prepare('SELECT email, source FROM suppressions ORDER BY email').all() as {
      email: string;
      source: string;
    }[];
    return { result, rows };
  } finally {
    db.close();
  }
}

describe('a journal line damaged on disk', () => {
  it('with its closing quote overwritten suppresses the reader it named, not only the junk', async () => {
    const { result, rows } = await applied(['ann@example.test', 'bob@example.test'], (text) =>
      text.replace('bob@example.test"', 'bob@example.test\\'),
    );
    expect(rows.map((row) => row.email)).toContain('bob@example.test');
    expect(rows.find((row) => row.email === 'bob@example.test')?.source).toBe('one-click');
    expect(result.readAround?.map((ref) => ref.line)).toEqual([2]);
  });

  it('with a flipped byte in its address suppresses the reader, and marks the other address as maybe nobody', async () => {
    const { rows } = await applied(['bob@example.test'], (text) => text.replace('bob@example', 'bob@exbmple'));
    expect(rows).toEqual([
      { email: 'bob@example.test', source: 'one-click' },
      { email: 'bob@exbmple.test', source: 'journal (damaged line; may not be a real address)' },
    ]);
  });

  it('two checked lines run together are both read', async () => {
    const { rows } = await applied(['ann@example.test', 'bob@example.test'], (text) => text.replace('\n', ''));
    expect(rows.map((row) => row.email)).toEqual(['ann@example.test', 'bob@example.test']);
  });

  it('a line written without a check reads as before', async () => {
    const { rows } = await applied([], () => `${JSON.stringify(journalEntry('old@example.test'))}\n`);
    expect(rows).toEqual([{ email: 'old@example.test', source: 'one-click' }]);
  });

  it('whose reader cannot be told is refused with the file and line, nothing committed, the journal kept', async () => {
    let refused: unknown;
    try {
      await applied(['ann@example.test', 'bob@example.test'], (text) => text.replace('bob@example', 'bxb@exbmple'));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RolecastError);
    expect((refused as RolecastError).code).toBe('E_STATE_DAMAGED');
    expect((refused as RolecastError).message).toMatch(
      /the unsubscribe journal \S+state\.db\.unsubscribe-journal\S* is damaged at line 2: the line fails its check/,
    );
    expect(readdirSync(dir!).filter((name) => name.startsWith('state.db.unsubscribe-journal'))).toHaveLength(1);
  });

  it('whose reader cannot be told counts every address-like string in it, and prefixes cut at the damage, at a look', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecast-journal-check-'));
    const file = join(dir, 'state.db');
    openStateDb(file).close();
    // The closing quote and the comma after it overwritten: two characters, beyond mending.
    journalWith(file, ['bob@example.test'], (text) => text.replace('bob@example.test",', 'bob@example.testxy'));
    const look = journaledAddresses(file);
    expect(look('bob@example.test')).toBe('unsubscribe');
    expect(look('ann@example.test')).toBeUndefined();
    const sendLook = journaledAddresses(file, { stopOnDamage: true });
    expect(() => sendLook('ann@example.test')).toThrow(/is damaged at line 1: the line fails its check/);
  });
});

describe('a send over a damaged checked line', () => {
  async function send(damage: (text: string, reader: string) => string) {
    fixture = await sendFixture(4);
    const readers = await eligible(fixture);
    mkdirSync(join(fixture.dir, '.rolecast'));
    journalWith(join(fixture.dir, '.rolecast/state.db'), [readers[1]!], (text) => damage(text, readers[1]!));
    const logged: string[] = [];
    const run = sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: sendEnv(),
      log: (message: string) => logged.push(message),
    });
    const mailed = () => {
      try {
        return readdirSync(join(fixture!.dir, 'outbox/2026-W48')).map((name) => name.replace(/\.eml$/, ''));
      } catch {
        return [];
      }
    };
    return { readers, run, mailed, logged };
  }

  it('does not mail the reader whose closing quote was damaged', async () => {
    const { readers, run, mailed, logged } = await send((text, reader) => text.replace(`${reader}"`, `${reader}\\`));
    const report = await run;
    expect(mailed()).not.toContain(readers[1]);
    expect(mailed()).toHaveLength(readers.length - 1);
    expect(report.total.skipped.suppressed).toBe(1);
    expect(logged.join('\n')).toMatch(/line 1 of the unsubscribe journal \S+ was damaged/);
  });

  it('sends nothing when the reader of a damaged line cannot be told', async () => {
    const { run, mailed } = await send((text, reader) => {
      const at = text.indexOf(reader);
      return `${text.slice(0, at)}zz${text.slice(at + 2)}`;
    });
    await expect(run).rejects.toMatchObject({ code: 'E_STATE_DAMAGED' });
    expect(mailed()).toEqual([]);
  });
});
