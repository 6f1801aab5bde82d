import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openState } from '../../src/state/open.js';
import { assertNotRestored } from '../../src/state/sqlite/generation.js';

/**
 * A state folder copied back from a backup on a machine that restarted since the last command (a
 * server rebooted for updates between two weekly sends) was told as a power cut: the hint only said
 * to rebuild the ledger from the provider's logs, never to move the newest copy back, and the
 * unsubscribes taken on the reader pages since (which no provider log holds) were lost with it.
 */

let root: string;
let folder: string;
let file: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rolecast-restored-reboot-'));
  folder = join(root, '.rolecast');
  file = join(folder, 'state.db');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

async function unsubscribe(email: string): Promise<void> {
  const state = await openState({ kind: 'sqlite', file });
  try {
    await state.suppressions.add(email, { reason: 'unsubscribe' });
  } finally {
    await state.close();
  }
}

it('the refusal of a folder put back after a restart also says to move the newest copy back', async () => {
  await unsubscribe('ada@example.com');
  const backup = join(root, 'backup');
  cpSync(folder, backup, { recursive: true });
  await unsubscribe('grace@example.com');
  rmSync(folder, { recursive: true });
  cpSync(backup, folder, { recursive: true });

  const db = new Database(file, { readonly: true });
  try {
    // The machine started after every note was written: a reboot since the last command.
    const bootedAt = new Date(Date.now() + 60_000);
    let refused: { code?: string; message?: string; hint?: string } = {};
    try {
      assertNotRestored(db, file, bootedAt);
    } catch (error) {
      refused = error as typeof refused;
    }
    expect(refused.code).toBe('E_STATE_RESTORED');
    expect(refused.message).toContain('power cut or crash');
    expect(refused.hint).toContain('move the newest copy (with its -wal) back into place');
    expect(refused.hint).toContain(`${file}.unrecorded.jsonl`);
  } finally {
    db.close();
  }
});
