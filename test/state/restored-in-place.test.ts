import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { openServeBackend } from '../../src/serve/backend.js';
import { openExistingState, openState } from '../../src/state/open.js';
import { type Generation, readGeneration } from '../../src/state/sqlite/generation.js';
import { outsideNoteOf } from '../../src/state/sqlite/outside-note.js';
import { pathNoteOf } from '../../src/state/sqlite/path-note.js';

/**
 * An older copy of the state file written over it in place (`cp backup.db state.db`) keeps the
 * file's identity: without a check of its own, the ledger and the suppression list went back to
 * the backup, and the next send mailed again every reader recorded since, and readers who had
 * unsubscribed since.
 */

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-restored-'));
  file = join(dir, 'state.db');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function generationOf(path: string): Generation {
  const db = new Database(path, { readonly: true });
  try {
    return readGeneration(db)!;
  } finally {
    db.close();
  }
}

const NOW = new Date('2026-12-05T09:00:00Z');

async function record(email: string): Promise<void> {
  const state = await openState({ kind: 'sqlite', file });
  try {
    await state
      .ledger('2026-12-05', 'smtp', () => NOW)
      .recordMany([
        {
          email,
          variantId: 'v1',
          status: 'sent',
          messageId: `<${email}>`,
          responseCode: 250,
          response: '250 ok',
          attempts: 1,
        },
      ]);
  } finally {
    await state.close();
  }
}

function restore(backup: string): void {
  const inode = statSync(file).ino;
  copyFileSync(backup, file);
  // The point of the test: the copy keeps the file's identity.
  expect(statSync(file).ino).toBe(inode);
}

describe('a state file written over by an older copy of itself', () => {
  it('is refused by the next send, naming the file and what to do; nothing is opened for writing', async () => {
    await record('ada@example.com');
    const backup = join(dir, 'backup.db');
    copyFileSync(file, backup);
    await record('grace@example.com');
    restore(backup);

    const refused = await openState({ kind: 'sqlite', file }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'E_STATE_RESTORED', exitCode: 2 });
    expect(String((refused as Error).message)).toContain(file);
    expect((refused as { hint: string }).hint).toContain(`${file}.generation`);
    // A dry run reads it the same way.
    await expect(openExistingState({ kind: 'sqlite', file })).rejects.toMatchObject({ code: 'E_STATE_RESTORED' });
  });

  it('is used once its note is deleted, as the message says; the newest copy put back is used as it is', async () => {
    await record('ada@example.com');
    const backup = join(dir, 'backup.db');
    copyFileSync(file, backup);
    await record('grace@example.com');
    const newest = join(dir, 'newest.db');
    copyFileSync(file, newest);
    restore(backup);
    await expect(openState({ kind: 'sqlite', file })).rejects.toMatchObject({ code: 'E_STATE_RESTORED' });
    restore(newest);
    const state = await openState({ kind: 'sqlite', file });
    expect((await state.ledger('2026-12-05', 'smtp', () => NOW).recorded()).size).toBe(2);
    await state.close();

    restore(backup);
    // Both notes the hint names: beside the file and in the cache folder.
    const { hint } = (await openState({ kind: 'sqlite', file }).catch((error: unknown) => error)) as { hint: string };
    rmSync(`${file}.generation`);
    rmSync(outsideNoteOf(file, generationOf(file).id)!);
    expect(hint).toContain(outsideNoteOf(file, generationOf(file).id));
    const accepted = await openState({ kind: 'sqlite', file });
    expect((await accepted.ledger('2026-12-05', 'smtp', () => NOW).recorded()).size).toBe(1);
    await accepted.close();
  });

  it('a file moved aside for an empty one (its path note deleted, to start afresh) is not an older copy', async () => {
    await record('ada@example.com');
    rmSync(file);
    rmSync(pathNoteOf(file)!);
    const state = await openState({ kind: 'sqlite', file });
    await state.close();
  });

  it('under a running serve: the next unsubscribe is journaled, not written into the copy, and the next send refuses it', async () => {
    openStateDb(file).close();
    const backup = join(dir, 'backup.db');
    copyFileSync(file, backup);
    const serve = await openServeBackend({ kind: 'sqlite', file }, { secret: 'x'.repeat(32) });
    try {
      expect(await serve.suppressions.add('ada@example.com', { reason: 'unsubscribe' })).toBe('added');
      restore(backup);
      expect(await serve.suppressions.add('grace@example.com', { reason: 'unsubscribe' })).toBe('journaled');
    } finally {
      await serve.close();
    }
    await expect(openState({ kind: 'sqlite', file })).rejects.toMatchObject({ code: 'E_STATE_RESTORED' });
  });
});
