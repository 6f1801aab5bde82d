import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openExistingState, openState } from '../../src/state/open.js';
import { readGeneration } from '../../src/state/sqlite/generation.js';
import { outsideNoteOf } from '../../src/state/sqlite/outside-note.js';

/**
 * The whole state folder copied back from a backup (or a snapshot of the disk rolled back) brings
 * its note of how far the file was written with it: checked against that note alone, the old
 * ledger and suppression list read as current, and the next send mailed again every reader
 * recorded since, and readers who had unsubscribed since.
 */

let root: string;
let folder: string;
let file: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rolecast-restored-folder-'));
  folder = join(root, '.rolecast');
  file = join(folder, 'state.db');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

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
          response: 'ok',
          attempts: 1,
        },
      ]);
  } finally {
    await state.close();
  }
}

async function unsubscribe(email: string): Promise<void> {
  const state = await openState({ kind: 'sqlite', file });
  try {
    await state.suppressions.add(email, { reason: 'unsubscribe' });
  } finally {
    await state.close();
  }
}

function backUpFolder(): string {
  const backup = join(root, 'backup');
  cpSync(folder, backup, { recursive: true });
  return backup;
}

function putFolderBack(backup: string): void {
  rmSync(folder, { recursive: true });
  cpSync(backup, folder, { recursive: true });
}

async function refusal(): Promise<{ code: string; message: string; hint: string }> {
  return openState({ kind: 'sqlite', file }).then(
    async (state) => {
      await state.close();
      throw new Error('the state file was opened');
    },
    (error: unknown) => error as { code: string; message: string; hint: string },
  );
}

function outsideNote(): string {
  const db = new Database(file, { readonly: true });
  try {
    return outsideNoteOf(file, readGeneration(db)!.id)!;
  } finally {
    db.close();
  }
}

describe('a state folder copied back whole, its note beside the file with it', () => {
  it('is refused by the next send and a dry run, naming the note kept outside the folder', async () => {
    await record('ada@example.com');
    const backup = backUpFolder();
    await record('grace@example.com');
    await unsubscribe('linus@example.com');
    putFolderBack(backup);

    const refused = await refusal();
    expect(refused.code).toBe('E_STATE_RESTORED');
    expect(refused.message).toContain(file);
    expect(refused.message).toContain(outsideNote());
    expect(refused.message).toContain('state folder went back');
    expect(refused.hint).toContain(outsideNote());
    await expect(openExistingState({ kind: 'sqlite', file })).rejects.toMatchObject({ code: 'E_STATE_RESTORED' });
  });

  it('is used once both notes the hint names are deleted', async () => {
    await record('ada@example.com');
    const backup = backUpFolder();
    await record('grace@example.com');
    putFolderBack(backup);
    const refused = await refusal();
    rmSync(`${file}.generation`);
    expect((await refusal()).code).toBe('E_STATE_RESTORED');
    expect(refused.hint).toContain(`${file}.generation`);
    rmSync(outsideNote());
    const accepted = await openState({ kind: 'sqlite', file });
    expect((await accepted.ledger('2026-12-05', 'smtp', () => NOW).recorded()).size).toBe(1);
    await accepted.close();
  });

  it('a copy of the folder put at another path is a file of its own, not an older copy', async () => {
    await record('ada@example.com');
    const copy = join(root, 'copy');
    cpSync(folder, copy, { recursive: true });
    await record('grace@example.com');
    const state = await openState({ kind: 'sqlite', file: join(copy, 'state.db') });
    expect((await state.ledger('2026-12-05', 'smtp', () => NOW).recorded()).size).toBe(1);
    await state.close();
  });
});
