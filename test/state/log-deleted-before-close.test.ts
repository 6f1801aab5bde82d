import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/state/contract.js';
import { openState } from '../../src/state/open.js';

/**
 * A send whose state.db-wal and -shm were deleted after its last check, and another command that
 * opened the file meanwhile (its own log now at the path, left there by a kill): the send's records
 * lived in the deleted log, and its close, not the last on the file, dropped them, so the next send
 * mailed those readers again. Closing now keeps them as a check during the run does.
 */

const OPEN_STATE = new URL('../../dist/state/open.js', import.meta.url).href;

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-log-before-close-'));
  file = join(dir, 'state.db');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sent = (email: string): LedgerEntry => ({
  email,
  variantId: 'v1',
  status: 'sent',
  messageId: `<${email}>`,
  responseCode: 250,
  response: '250 ok',
  attempts: 1,
});

function emailsIn(path: string): string[] {
  const reader = new Database(path, { readonly: true });
  try {
    return reader.prepare('SELECT email FROM deliveries ORDER BY email').pluck().all() as string[];
  } finally {
    reader.close();
  }
}

describe('a state log deleted after the last check, before the send closes', () => {
  it('keeps what the send recorded: a copy beside the file, and the close says where', async () => {
    const state = await openState({ kind: 'sqlite', file });
    await state.ledger('2026-12-05', 'smtp', () => new Date()).recordMany([sent('ada@example.com')]);
    for (const log of [`${file}-wal`, `${file}-shm`]) rmSync(log);
    // Another command on the file, killed with its record in a log of its own.
    const other = `const { openState } = await import(${JSON.stringify(OPEN_STATE)});
      const state = await openState({ kind: 'sqlite', file: ${JSON.stringify(file)} });
      await state.ledger('2026-12-05', 'smtp', () => new Date()).recordMany([${JSON.stringify(sent('grace@example.com'))}]);
      process.kill(process.pid, 'SIGKILL');`;
    expect(() => execFileSync(process.execPath, ['--input-type=module', '-e', other], { stdio: 'pipe' })).toThrow();
    expect(existsSync(`${file}-wal`)).toBe(true);

    const closed = await state.close().then(
      () => undefined,
      (error: unknown) => error,
    );
    const rescued = readdirSync(dir).find((name) => name.startsWith('state.db.rescued-'));
    expect(rescued, readdirSync(dir).join(', ')).toBeDefined();
    expect(emailsIn(join(dir, rescued!))).toContain('ada@example.com');
    expect(String((closed as Error).message)).toContain(join(dir, rescued!));
    // The other command's log is where it was, its record with it.
    expect(emailsIn(file)).toEqual(['grace@example.com']);
  });
});
