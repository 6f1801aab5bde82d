import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Two commands writing one state file (serve and send, two serves, a send and `bounces import`):
 * one commits a change and notes the count beside the file while the other is comparing the file's
 * count with the note. Read in the wrong order, the other saw a count older than the note on a
 * sound file and refused it as an older copy (E_STATE_RESTORED), stopping every send.
 */

// Runs once, the moment the note beside the file is next read: another command's write lands there.
let onNoteRead: (() => void) | undefined;

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === 'string' && path.endsWith('.generation') && onNoteRead) {
      const hook = onNoteRead;
      onNoteRead = undefined;
      hook();
    }
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

// Test files share one module registry: the modules reading the note are loaded afresh, mocked.
vi.resetModules();
const { openStateDb } = await import('../../src/send/store.js');
const { fileMoved } = await import('../../src/state/sqlite/file-in-place.js');
const { noteGeneration } = await import('../../src/state/sqlite/generation.js');

afterAll(() => {
  vi.doUnmock('node:fs');
  vi.resetModules();
});

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-generation-order-'));
  file = join(dir, 'state.db');
  openStateDb(file).close();
});

afterEach(() => {
  onNoteRead = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Another command unsubscribes a reader: committed, its log copied into the file, then noted. */
function anotherCommandWrites(email: string): void {
  const other = openStateDb(file);
  try {
    other
      .prepare('INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, ?, ?, ?)')
      .run(email, 'unsubscribe', 'link', '2026-12-05T09:00:00Z');
    other.pragma('wal_checkpoint(PASSIVE)');
    noteGeneration(other, file);
  } finally {
    other.close();
  }
}

describe('a write by another command between reading the state file’s count and its note', () => {
  it('does not make a send opening the file refuse it', () => {
    onNoteRead = () => anotherCommandWrites('ada@example.com');
    const db = openStateDb(file);
    expect(onNoteRead).toBeUndefined();
    db.close();
  });

  it('does not make a running serve take the file for an older copy', () => {
    const moved = fileMoved(file);
    anotherCommandWrites('ada@example.com');
    onNoteRead = () => anotherCommandWrites('grace@example.com');
    expect(moved()).toBeUndefined();
    expect(onNoteRead).toBeUndefined();
    // And the next look still finds it sound.
    anotherCommandWrites('linus@example.com');
    expect(moved()).toBeUndefined();
  });
});
