import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalPath, replayJournal } from '../../src/send/journal.js';
import { openStateDb } from '../../src/send/store.js';

/**
 * An unsubscribe journal mended by hand and saved by an editor that writes CRLF line ends and a
 * byte order mark. A line cut short by a crash in it is still a write cut short, passed over and
 * named, not damage that stops the command.
 */

const line = (email: string) =>
  JSON.stringify({ email, reason: 'unsubscribe', source: 'one-click', at: '2026-12-01T08:00:00.000Z' });

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function applied(text: string) {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-journal-editor-'));
  const file = join(dir, 'state.db');
  const db = openStateDb(file);
  writeFileSync(journalPath(file), text);
  try {
    const result = replayJournal(db);
    const suppressed = db.prepare('SELECT email FROM suppressions ORDER BY email').pluck().all() as string[];
    return { result, suppressed };
  } finally {
    db.close();
  }
}

describe('a journal saved with CRLF line ends and a byte order mark', () => {
  it('passes over a line cut short and applies the rest', async () => {
    const { result, suppressed } = await applied(
      `\ufeff{"email":"cut@exa\r\n${line('ann@example.test')}\r\n{"email":"d@exa\r\n${line('bob@example.test')}\r\n`,
    );
    expect(suppressed).toEqual(['ann@example.test', 'bob@example.test']);
    expect(result.cutShort?.map((ref) => ref.line)).toEqual([1, 3]);
    expect(result.readAround).toBeUndefined();
  });
});
