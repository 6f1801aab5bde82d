import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalPath, replayJournal } from '../../src/send/journal.js';
import { openStateDb } from '../../src/send/store.js';

/**
 * An unsubscribe journal line that holds two readers' addresses: the start of one line run into a
 * whole line after it (damage that took the newline between them), or the field written twice. Each
 * of those readers may have been told "done", so every address written whole in the line is
 * suppressed, whether the line parses as JSON or not.
 */

const line = (email: string) =>
  JSON.stringify({ email, reason: 'unsubscribe', source: 'one-click', at: '2026-12-01T08:00:00.000Z' });

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function applied(text: string) {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-journal-merged-'));
  const file = join(dir, 'state.db');
  const db = openStateDb(file);
  writeFileSync(journalPath(file), text);
  const result = replayJournal(db);
  const suppressed = db.prepare('SELECT email FROM suppressions ORDER BY email').pluck().all() as string[];
  db.close();
  return { result, suppressed };
}

describe('a journal line holding two addresses', () => {
  it('suppresses the whole line run into the start of another', async () => {
    // The first line lost its end and its newline: the second, whole, follows on the same line.
    const { result, suppressed } = await applied(
      `${line('ann@example.test')}\n{"email":"cut@exa${line('bob@example.test')}\n${line('cy@example.test')}\n`,
    );
    expect(suppressed).toContain('bob@example.test');
    expect(suppressed).toEqual(expect.arrayContaining(['ann@example.test', 'cy@example.test']));
    expect(result.readAround?.map((ref) => ref.line)).toEqual([2]);
  });

  it('suppresses both addresses of a line that parses with the field written twice', async () => {
    const merged = `{"email":"ann@example.test","reason":"unsubscribe","email":"bob@example.test","source":"one-click","at":"2026-12-01T08:00:00.000Z"}`;
    const { result, suppressed } = await applied(`${merged}\n`);
    expect(suppressed).toEqual(['ann@example.test', 'bob@example.test']);
    expect(result.readAround?.map((ref) => ref.line)).toEqual([1]);
  });

  it('suppresses the address of a line ending in CRLF or starting with a byte order mark, and names a whole line nowhere', async () => {
    const { result, suppressed } = await applied(
      `\ufeff${line('ann@example.test')}\r\n${line('bob@example.test')}\r\n${line('cy@example.test')}\n`,
    );
    expect(suppressed).toEqual(['ann@example.test', 'bob@example.test', 'cy@example.test']);
    expect(result.cutShort).toBeUndefined();
  });
});
