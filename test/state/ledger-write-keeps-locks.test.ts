import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openState } from '../../src/state/open.js';
import { inOtherProcess } from '../helpers/state-db.js';

/**
 * A send's ledger write must leave SQLite's locks on the state file's index (`-shm`) alone: closing
 * any descriptor of a file drops every lock this process holds on it, so the next command to open
 * the file took the index for unused and rebuilt it while this process went on writing through it.
 */

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-ledger-locks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sent = (email: string) => ({
  email,
  variantId: 'v1',
  status: 'sent' as const,
  messageId: `<${email}>`,
  responseCode: 250,
  response: '250 ok',
  attempts: 1,
});

/**
 * Whether a process holds SQLite's "dead man switch" lock on the index (byte 128 of `-shm`, shared
 * while a connection is open): asked of the kernel with F_GETLK by perl, which every Debian system has.
 * Without it, the next command to open the file takes itself for the first and rebuilds the index
 * under this process's writes.
 */
function indexLockHeld(file: string): boolean {
  const script = `use Fcntl; open(my $fh, "+<", $ARGV[0]) or die "$!"; my $lk = pack("s s x4 q q l x4", F_WRLCK, 0, 128, 1, 0);
    fcntl($fh, F_GETLK, $lk) or die "$!"; print unpack("s", $lk) == F_UNLCK ? "free" : "held";`;
  const child = spawnSync('perl', ['-e', script, `${file}-shm`], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return child.stdout === 'held';
}

it("keeps SQLite's lock on the index through every ledger write", async () => {
  const file = join(dir, 'state.db');
  const state = await openState({ kind: 'sqlite', file });
  try {
    const ledger = state.ledger('2026-W49', 'smtp', () => new Date('2026-12-06T09:00:00Z'));
    expect(indexLockHeld(file)).toBe(true);
    for (const email of ['ada@example.com', 'ben@example.com']) {
      await ledger.recordMany([sent(email)]);
      expect(indexLockHeld(file)).toBe(true);
    }
  } finally {
    await state.close();
  }
});

it('rows a send records after another command closed the file are read by the next command', async () => {
  const file = join(dir, 'state.db');
  const state = await openState({ kind: 'sqlite', file });
  try {
    const ledger = state.ledger('2026-W49', 'smtp', () => new Date('2026-12-06T09:00:00Z'));
    await ledger.recordMany([sent('ada@example.com')]);
    await ledger.recordMany([sent('ben@example.com')]);
    inOtherProcess(file, "return db.prepare('SELECT COUNT(*) FROM deliveries').pluck().get();");
    await ledger.recordMany([sent('chloe@example.com')]);
    const seen = inOtherProcess(
      file,
      "return db.prepare('SELECT email FROM deliveries ORDER BY email').pluck().all();",
    );
    expect(seen).toEqual(['ada@example.com', 'ben@example.com', 'chloe@example.com']);
  } finally {
    await state.close();
  }
});
