import { mkdirSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { replayJournal } from '../../src/send/journal.js';
import { openStateDb } from '../../src/send/store.js';
import { journalWith } from '../helpers/journal.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A checked journal line whose check itself was hit (a digit turned into a letter, its quote or
 * closing brace overwritten) no longer reads as a line written without one: a second damaged
 * character in its address would then pass for another reader's, and the reader who unsubscribed
 * be mailed. Damage to the check alone still reads the line as written.
 */

let dir: string | undefined;
let fixture: SendFixture | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await fixture?.cleanup();
  dir = fixture = undefined;
});

// Hits on the check alone: one character of `,"sum":"…"}`.
const endHits: [string, (text: string) => string][] = [
  ['a digit of the sum turned into a letter', (text) => text.replace(/"sum":"./, '"sum":"g')],
  ['the quote after the sum overwritten', (text) => text.replace(/"\}\n/, "'}\n")],
  ['the closing brace overwritten', (text) => text.replace(/"\}\n/, '"]\n')],
  ['a letter of the field name', (text) => text.replace('"sum"', '"sun"')],
];

async function replayed(damage: (text: string) => string) {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-journal-end-'));
  const file = join(dir, 'state.db');
  const db = openStateDb(file);
  journalWith(file, ['bob@example.test'], damage);
  try {
    replayJournal(db);
    return (db.prepare('SELECT email FROM suppressions ORDER BY email').all() as { email: string }[]).map(
      (row) => row.email,
    );
  } finally {
    db.close();
  }
}

describe('a checked journal line damaged at its check', () => {
  it.each(endHits)('alone (%s) still suppresses its reader', async (_name, hit) => {
    expect(await replayed(hit)).toContain('bob@example.test');
  });

  it.each(endHits)('and in its address too (%s) is refused, not read as another reader', async (_name, hit) => {
    await expect(replayed((text) => hit(text.replace('bob@example', 'bob@exbmple')))).rejects.toMatchObject({
      code: 'E_STATE_DAMAGED',
    });
  });
});

describe('a send over a line damaged at its check and in its address', () => {
  it('sends nothing rather than mail the reader who unsubscribed', async () => {
    fixture = await sendFixture(4);
    const readers = await eligible(fixture);
    const reader = readers[1]!;
    mkdirSync(join(fixture.dir, '.rolecast'));
    journalWith(join(fixture.dir, '.rolecast/state.db'), [reader], (text) => {
      const at = text.indexOf('@') + 1;
      const swapped = text[at] === 'z' ? 'y' : 'z';
      return `${text.slice(0, at)}${swapped}${text.slice(at + 1)}`.replace(/"sum":"./, '"sum":"g');
    });
    const run = sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: sendEnv(),
      log: () => {},
    });
    await expect(run).rejects.toMatchObject({ code: 'E_STATE_DAMAGED' });
    let mailed: string[] = [];
    try {
      mailed = readdirSync(join(fixture.dir, 'outbox/2026-W48')).map((name) => name.replace(/\.eml$/, ''));
    } catch {}
    expect(mailed).not.toContain(reader);
    expect(mailed).toEqual([]);
  });
});
