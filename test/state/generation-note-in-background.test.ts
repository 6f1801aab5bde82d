import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * A send notes the state file's change count beside it (state.db.generation) every fraction of a
 * second. Written and renamed on the event loop, each note held every connection's next message
 * for milliseconds (more on a busy disk). The note is now written in the background; it still
 * lands during the run, and the close still notes the count whole.
 */

// Synchronous writes of the note, as the event loop would wait for them.
const syncNoteWrites: string[] = [];

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === 'string' && path.includes('.generation')) syncNoteWrites.push(path);
    return (fs.writeFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.writeFileSync;
  return { ...fs, default: { ...fs, writeFileSync }, writeFileSync };
});

// Test files share one module registry: the modules writing the note are loaded afresh, mocked.
vi.resetModules();
const { openStateDb } = await import('../../src/send/store.js');
const { sqliteState } = await import('../../src/state/sqlite/index.js');
const { noteGeneration, noteGenerationInBackground, readGeneration } = await import(
  '../../src/state/sqlite/generation.js'
);
const { assertNotLost, pathNoteOf } = await import('../../src/state/sqlite/path-note.js');
const { openLedger } = await import('../../src/send/ledger.js');

afterAll(() => {
  vi.doUnmock('node:fs');
  vi.resetModules();
});

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-note-background-'));
  file = join(dir, 'state.db');
});

afterEach(() => {
  syncNoteWrites.length = 0;
  rmSync(dir, { recursive: true, force: true });
});

const noted = () => JSON.parse(readFileSync(`${file}.generation`, 'utf8')) as { id: string; counter: number };

function row(i: number) {
  return {
    email: `reader${i}@example.com`,
    variantId: 'v1',
    status: 'sent' as const,
    messageId: `<m${i}@example.com>`,
    responseCode: 250,
    response: '250 OK',
    attempts: 1,
  };
}

describe('the change count noted during a send', () => {
  it('is written off the event loop, lands during the run, and is whole at close', async () => {
    const db = openStateDb(file);
    const store = sqliteState(db, file);
    const ledger = store.ledger('2026-W48', 'smtp', () => new Date('2026-12-05T09:00:00Z'));
    const before = noted().counter;
    syncNoteWrites.length = 0;

    await ledger.recordMany([row(1), row(2)]);
    expect(syncNoteWrites).toEqual([]);
    const afterBatch = readGeneration(db)!;
    expect(afterBatch.counter).toBeGreaterThan(before);
    // Still noted during the run, without waiting for its end.
    await vi.waitFor(() => expect(noted()).toEqual(expect.objectContaining(afterBatch)), { interval: 5 });

    // A batch within the same fraction of a second is noted by the close, whole.
    await ledger.recordMany([row(3)]);
    const last = readGeneration(db)!;
    await store.close();
    expect(noted()).toEqual(expect.objectContaining(last));
  });

  it('never leaves an older count after a newer one when the run ends', async () => {
    const db = openStateDb(file);
    const store = sqliteState(db, file);
    const ledger = store.ledger('2026-W48', 'smtp', () => new Date('2026-12-05T09:00:00Z'));
    await ledger.startRun(3);
    await ledger.recordMany([row(1)]);
    // The run ends while the note of the batch may still be on its way.
    await ledger.finishRun('complete');
    const final = readGeneration(db)!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(noted()).toEqual(expect.objectContaining(final));
    await store.close();
    expect(noted()).toEqual(expect.objectContaining(final));
  });
});

describe('the path note during a send', () => {
  it('is written once by the notes taken in the background, and brought up to date by the note at the end', async () => {
    const saved = process.env.ROLECAST_CACHE_DIR;
    process.env.ROLECAST_CACHE_DIR = join(dir, 'cache');
    const db = openStateDb(file);
    try {
      // The ledger alone, so that only the notes taken here are written.
      const ledger = openLedger(db, '2026-W48', 'smtp', () => new Date('2026-12-05T09:00:00Z'));
      const pathNote = pathNoteOf(file)!;
      const inode = () => statSync(pathNote).ino;
      ledger.recordMany([row(1)]);
      await noteGenerationInBackground(db, file);
      const first = inode();
      expect(JSON.parse(readFileSync(pathNote, 'utf8'))).toEqual(expect.objectContaining(readGeneration(db)));

      // Later notes of the run write the count beside the file, and leave the path note as it is.
      for (let i = 2; i <= 4; i++) {
        ledger.recordMany([row(i)]);
        await noteGenerationInBackground(db, file);
        expect(noted()).toEqual(expect.objectContaining(readGeneration(db)));
        expect(inode()).toBe(first);
      }

      // The note at the end of the run writes it whole.
      noteGeneration(db, file);
      expect(JSON.parse(readFileSync(pathNote, 'utf8'))).toEqual(expect.objectContaining(readGeneration(db)));
    } finally {
      db.close();
      if (saved === undefined) delete process.env.ROLECAST_CACHE_DIR;
      else process.env.ROLECAST_CACHE_DIR = saved;
    }
  });
});

describe('the path note of a send killed midway', () => {
  it('holds the count of its first note, so a file lost after is said to have held at least that many changes', async () => {
    const saved = process.env.ROLECAST_CACHE_DIR;
    process.env.ROLECAST_CACHE_DIR = join(dir, 'cache');
    const db = openStateDb(file);
    try {
      const ledger = openLedger(db, '2026-W48', 'smtp', () => new Date('2026-12-05T09:00:00Z'));
      ledger.recordMany([row(1)]);
      await noteGenerationInBackground(db, file);
      const first = JSON.parse(readFileSync(pathNoteOf(file)!, 'utf8')).counter as number;
      for (let i = 2; i <= 4; i++) {
        ledger.recordMany([row(i)]);
        await noteGenerationInBackground(db, file);
      }
      expect(readGeneration(db)!.counter).toBeGreaterThan(first);
      // Killed: no note at the end of the run, nor at the close. The file is then lost.
      for (const lost of [file, `${file}-wal`, `${file}-shm`]) rmSync(lost, { force: true });
      expect(() => assertNotLost(file)).toThrow(`held at least ${first} change(s)`);
    } finally {
      db.close();
      if (saved === undefined) delete process.env.ROLECAST_CACHE_DIR;
      else process.env.ROLECAST_CACHE_DIR = saved;
    }
  });
});
