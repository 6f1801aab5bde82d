import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writePair, writePairInBackground } from '../../src/state/sqlite/outside-note.js';

/**
 * The note rolecast keeps of each state file in the user's cache folder (state-notes/) was never
 * removed: every fresh state file, every project folder tried and deleted, left one for good. A new
 * note now removes those not written for a year, and temp files a cut-short write left a day ago;
 * a recent note stays.
 */

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function notes() {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-notes-'));
  const folder = join(dir, 'state-notes');
  const old = new Date(Date.now() - 400 * 24 * 60 * 60 * 1000);
  const yesterday = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  await mkdir(folder);
  for (const [name, when] of [
    ['old.json', old],
    ['recent.json', new Date()],
    ['cut-short.json.7.tmp', yesterday],
    ['monthold.json', new Date(Date.now() - 30 * 24 * 60 * 60 * 1000)],
  ] as const) {
    await writeFile(join(folder, name), '{"id":"x","counter":1}\n');
    await utimes(join(folder, name), when, when);
  }
  return folder;
}

describe('notes in the cache folder', () => {
  it('are cleared of stale ones when a new note is made', async () => {
    const folder = await notes();
    writePair(join(folder, 'new.json'), { id: 'n', counter: 1 }, true);
    expect(existsSync(join(folder, 'new.json'))).toBe(true);
    expect(existsSync(join(folder, 'old.json'))).toBe(false);
    expect(existsSync(join(folder, 'cut-short.json.7.tmp'))).toBe(false);
    expect(existsSync(join(folder, 'recent.json'))).toBe(true);
    expect(existsSync(join(folder, 'monthold.json'))).toBe(true);
  });

  it('are cleared the same way by a note written off the event loop', async () => {
    const folder = await notes();
    await writePairInBackground(join(folder, 'new.json'), { id: 'n', counter: 1 }, true);
    expect(existsSync(join(folder, 'old.json'))).toBe(false);
    expect(existsSync(join(folder, 'recent.json'))).toBe(true);
  });
});
