import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Two commands on one state file (a send starting while serve takes unsubscribes, `status` during a
 * send): one commits a change and notes the count in the cache folder while the other compares the
 * file's count with that note. The note in the cache folder was read after the count, so the other
 * could see a count older than the note on a sound file and refuse it as an older copy of itself
 * (E_STATE_RESTORED, exit 2): the send stopped, its hint saying to rebuild the ledger by hand.
 */

// Runs once, the moment the note in the cache folder is next read: another command's write lands there.
let onOutsideNoteRead: (() => void) | undefined;

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === 'string' && path.includes(`${sep}state-notes${sep}`) && onOutsideNoteRead) {
      const hook = onOutsideNoteRead;
      onOutsideNoteRead = undefined;
      hook();
    }
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

// Test files share one module registry: the modules reading the note are loaded afresh, mocked.
vi.resetModules();
const { openExistingStateDb, openStateDb } = await import('../../src/send/store.js');
const { noteGeneration } = await import('../../src/state/sqlite/generation.js');

afterAll(() => {
  vi.doUnmock('node:fs');
  vi.resetModules();
});

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-outside-note-order-'));
  file = join(dir, 'state.db');
  openStateDb(file).close();
});

afterEach(() => {
  onOutsideNoteRead = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Another command unsubscribes a reader: committed, then noted beside the file and in the cache folder. */
function anotherCommandWrites(email: string): void {
  const other = openStateDb(file);
  try {
    other
      .prepare('INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, ?, ?, ?)')
      .run(email, 'unsubscribe', 'link', '2026-12-05T09:00:00Z');
    noteGeneration(other, file);
  } finally {
    other.close();
  }
}

describe('a write by another command between reading the state file’s count and the note in the cache folder', () => {
  it('does not make a send opening the file refuse it', () => {
    onOutsideNoteRead = () => anotherCommandWrites('ada@example.com');
    const db = openStateDb(file);
    expect(onOutsideNoteRead).toBeUndefined();
    db.close();
  });

  it('does not make status, reading the file, refuse it', () => {
    onOutsideNoteRead = () => anotherCommandWrites('grace@example.com');
    const db = openExistingStateDb(file);
    expect(onOutsideNoteRead).toBeUndefined();
    db?.close();
  });
});
