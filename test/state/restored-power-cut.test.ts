import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openState } from '../../src/state/open.js';
import { readGeneration } from '../../src/state/sqlite/generation.js';
import { outsideNoteOf } from '../../src/state/sqlite/outside-note.js';

/**
 * A power cut loses the last writes to the state file (synchronous=NORMAL) while their notes may
 * have reached the disk: the refusal said an older copy had been put back, and sent the editor
 * looking for a newer copy that does not exist.
 */

let root: string;
let folder: string;
let file: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rolecast-power-cut-'));
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

describe('a state file that lost its last writes to a power cut', () => {
  it('is refused saying the writes before the machine started were lost, not that a copy was put back', async () => {
    await record('ada@example.com');
    const backup = backUpFolder();
    await record('grace@example.com');
    // What a power cut leaves: the file without its last commits (its log never reached the disk),
    // the notes of them written before the machine last started.
    const notes = [`${file}.generation`, outsideNote()];
    const noted = notes.map((note) => readFileSync(note, 'utf8'));
    putFolderBack(backup);
    notes.forEach((note, i) => {
      writeFileSync(note, JSON.stringify({ ...JSON.parse(noted[i]!), at: '2000-01-01T00:00:00.000Z' }));
    });

    const refused = await refusal();
    expect(refused.code).toBe('E_STATE_RESTORED');
    expect(refused.message).toContain('power cut or crash');
    expect(refused.message).not.toContain('is an older copy of itself');
    expect(refused.hint).not.toContain('put the newest copy back');
    expect(refused.hint).toContain(`${file}.unrecorded.jsonl`);
  });
});
