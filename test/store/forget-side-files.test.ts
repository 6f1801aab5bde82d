import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { isSuppressed, openStateDb } from '../../src/send/store.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * `subscribers forget` (erasure) reaches the files beside the SQLite state file that name readers
 * in plain, not only its tables: an unsubscribe `serve` journaled, the lists of messages a stopped
 * send could not record, and those lists kept once recorded. The reader stays suppressed (by the
 * hashed entry), and what others' lines say is kept. Copies of the whole file a send rescued are
 * named, not changed.
 */

const ERASED = 'priya.raman@example.com';
const OTHER = 'zoe.hartmann@example.net';

let project: TempProject;
let dir: string;
let state: string;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  dir = project.path('.rolecast');
  state = join(dir, 'state.db');
});
afterEach(async () => {
  await project.cleanup();
});

const cli = (...args: string[]) => runCli(args, { cwd: project.dir });

function unrecordedLine(email: string): string {
  return JSON.stringify({
    issueId: '2026-W48',
    channel: 'smtp',
    email,
    variantId: 'cto',
    messageId: `<${email}.2026-W48@rolecast.example>`,
    at: '2026-12-01T10:00:00.000Z',
  });
}

describe('subscribers forget and the files beside the state file', () => {
  it('leaves the address in none of them, the reader still suppressed, the other lines kept', async () => {
    expect((await cli('suppress', 'add', OTHER)).code).toBe(0);
    appendToJournal(journalPath(state), {
      email: ERASED,
      reason: 'unsubscribe',
      source: 'one-click',
      at: '2026-12-01T09:00:00.000Z',
    });
    writeFileSync(`${state}.unrecorded.jsonl`, `${unrecordedLine(ERASED)}\n`);
    const recorded = `${state}.unrecorded.jsonl.replayed-2026-11-24T10-00-00-000Z`;
    writeFileSync(recorded, `${unrecordedLine(ERASED)}\n${unrecordedLine(OTHER)}\n`);
    const rescued = `${state}.rescued-1764583200000`;
    writeFileSync(rescued, 'a copy a send rescued');

    const forgot = await cli('subscribers', 'forget', ERASED);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stderr).toContain(`may still hold the address: ${rescued}`);

    expect(existsSync(journalPath(state))).toBe(false);
    for (const name of readdirSync(dir).filter((name) => !name.includes('.rescued-')))
      expect(readFileSync(join(dir, name), 'latin1'), name).not.toContain(ERASED);
    expect(readFileSync(recorded, 'utf8')).toBe(`${unrecordedLine(OTHER)}\n`);
    const db = openStateDb(state);
    try {
      expect(isSuppressed(db, ERASED)).toBe(true);
      expect(isSuppressed(db, OTHER)).toBe(true);
    } finally {
      db.close();
    }
  });
});
