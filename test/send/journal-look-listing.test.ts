import type { BigIntStats, StatSyncOptions } from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Before every message a send hands over, it looks for an unsubscribe `serve` could only journal
 * (or a copy of the journal a replay set aside). Listing the state folder for them each time cost
 * every message a directory read; the folder is now listed again only when its timestamps moved,
 * or may have missed a change made within the same tick of the file system's clock.
 */

const listed: string[] = [];
const stated: string[] = [];
// Timestamps handed back for a folder instead of its own: a change that left them as they were.
const frozen = new Map<string, BigIntStats>();
// A file's inode number and timestamps as a file system with whole-second timestamps gave them, put
// over what this one says, in whichever form the stat asked for.
const pinned = new Map<string, { ino: bigint; mtimeNs: bigint; ctimeNs: bigint }>();
// Names listed decomposed, as macOS's HFS+ hands them back whatever form they were made in.
let decomposing = false;

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((path: unknown, ...rest: unknown[]) => {
    listed.push(String(path));
    const names = (fs.readdirSync as (...a: unknown[]) => unknown)(path, ...rest);
    return decomposing ? (names as string[]).map((name) => name.normalize('NFD')) : names;
  }) as typeof fs.readdirSync;
  const statSync = ((path: unknown, options?: StatSyncOptions) => {
    stated.push(String(path));
    const held = typeof path === 'string' ? frozen.get(path) : undefined;
    const found = held ?? fs.statSync(path as string, options);
    const pin = typeof path === 'string' ? pinned.get(path) : undefined;
    if (!pin || !found) return found;
    const big = typeof found.ino === 'bigint';
    const ms = (ns: bigint) => Number(ns / 1_000_000n);
    return Object.assign(Object.create(Object.getPrototypeOf(found)), found, {
      ino: big ? pin.ino : Number(pin.ino),
      mtimeMs: big ? pin.mtimeNs / 1_000_000n : ms(pin.mtimeNs),
      ctimeMs: big ? pin.ctimeNs / 1_000_000n : ms(pin.ctimeNs),
      ...(big ? { mtimeNs: pin.mtimeNs, ctimeNs: pin.ctimeNs } : {}),
    });
  }) as typeof fs.statSync;
  return { ...fs, default: { ...fs, readdirSync, statSync }, readdirSync, statSync };
});

vi.resetModules();
const { renameSync, statSync, unlinkSync: removeFile } = await import('node:fs');
const { appendToJournal, journalPath } = await import('../../src/send/journal.js');
const { journaledAddresses } = await import('../../src/send/journal-watch.js');

afterAll(() => {
  vi.doUnmock('node:fs');
  vi.resetModules();
});

let dir: string;
let stateFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-journal-listing-'));
  stateFile = join(dir, 'state.db');
  listed.length = 0;
  stated.length = 0;
  frozen.clear();
  pinned.clear();
  decomposing = false;
  vi.useFakeTimers({ toFake: ['Date', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const unsubscribe = (file: string, email: string) =>
  appendToJournal(journalPath(file), {
    email,
    reason: 'unsubscribe',
    source: 'one-click',
    at: new Date().toISOString(),
  });

/** The folder's timestamps as they are now, kept through the changes that follow. */
function freeze(folder: string, wholeMilliseconds = false): void {
  const now = statSync(folder, { bigint: true })!;
  const at = wholeMilliseconds ? (now.mtimeNs / 1_000_000_000n) * 1_000_000_000n : now.mtimeNs;
  frozen.set(folder, Object.assign(Object.create(Object.getPrototypeOf(now)), now, { mtimeNs: at, ctimeNs: at }));
}

describe('the look for journaled unsubscribes before each message', () => {
  it('lists a state folder nothing changes in once, not before every message', () => {
    const journaled = journaledAddresses(stateFile);
    journaled('first@example.com');
    vi.advanceTimersByTime(3_000);
    for (let i = 0; i < 500; i++) expect(journaled(`reader${i}@example.com`)).toBeUndefined();
    // One listing at the first look, and one once the folder's last change lies a tick behind.
    expect(listed.filter((folder) => folder === dir).length).toBeLessThanOrEqual(2);
  });

  it('stats a missing journal once a listing of its folder, and a journal that is there before every message', () => {
    const journaled = journaledAddresses(stateFile);
    journaled('first@example.com');
    vi.advanceTimersByTime(3_000);
    stated.length = 0;
    for (let i = 0; i < 100; i++) expect(journaled(`reader${i}@example.com`)).toBeUndefined();
    // At most at the look that listed the folder once its change lay a tick behind.
    expect(stated.filter((path) => path === journalPath(stateFile)).length).toBeLessThanOrEqual(1);
    // Made: the folder moved, so the next look lists it and finds the journal.
    unsubscribe(stateFile, 'leaver@example.com');
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
    vi.advanceTimersByTime(3_000);
    journaled('first@example.com');
    // Appended to, which moves no folder: seen, as the journal is stat'ed at every look while there.
    unsubscribe(stateFile, 'second@example.com');
    expect(journaled('second@example.com')).toBe('unsubscribe');
  });

  it('sees a journal made since the last look whose name the listing spells otherwise than the state path', () => {
    // état.db as typed (composed); the folder lists it decomposed.
    const accented = join(dir, '\u00e9tat.db');
    decomposing = true;
    const journaled = journaledAddresses(accented);
    journaled('first@example.com');
    vi.advanceTimersByTime(3_000);
    expect(journaled('first@example.com')).toBeUndefined();
    unsubscribe(accented, 'leaver@example.com');
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
    vi.advanceTimersByTime(3_000);
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
    // Appended to, moving no folder: still seen.
    unsubscribe(accented, 'second@example.com');
    expect(journaled('second@example.com')).toBe('unsubscribe');
  });

  it('sees a journal whose path is a link to a file elsewhere not made yet, once serve makes it through the link', () => {
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(join(elsewhere, 'journal'), journalPath(stateFile));
    const journaled = journaledAddresses(stateFile);
    journaled('first@example.com');
    vi.advanceTimersByTime(3_000);
    for (let i = 0; i < 5; i++) expect(journaled(`reader${i}@example.com`)).toBeUndefined();
    // Made in the folder the link leads to: the state folder does not move.
    unsubscribe(stateFile, 'leaver@example.com');
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
  });

  it('on a file system with whole-second timestamps, sees a journal applied and made again within the second that reused its inode number, at the same size', () => {
    const journal = journalPath(stateFile);
    const journaled = journaledAddresses(stateFile);
    unsubscribe(stateFile, 'first@example.com');
    const made = statSync(journal, { bigint: true })!;
    const second = (made.mtimeNs / 1_000_000_000n) * 1_000_000_000n;
    pinned.set(journal, { ino: made.ino, mtimeNs: second, ctimeNs: second });
    expect(journaled('first@example.com')).toBe('unsubscribe');
    // serve applies it (set aside, recorded, removed) and journals the next reader, an address as
    // long, in the same second: the new file gets the freed inode's number.
    const aside = `${journal}.replaying-1`;
    renameSync(journal, aside);
    removeFile(aside);
    unsubscribe(stateFile, 'other@example.com');
    expect(statSync(journal).size).toBe(Number(made.size));
    expect(journaled('other@example.com')).toBe('unsubscribe');
    // Still seen while the second lasts, and after.
    expect(journaled('other@example.com')).toBe('unsubscribe');
    vi.advanceTimersByTime(3_000);
    expect(journaled('other@example.com')).toBe('unsubscribe');
    expect(journaled('first@example.com')).toBeUndefined();
  });

  it('sees a journal made after a long quiet, at the next look', () => {
    const journaled = journaledAddresses(stateFile);
    journaled('first@example.com');
    vi.advanceTimersByTime(3_000);
    journaled('first@example.com');
    unsubscribe(stateFile, 'leaver@example.com');
    expect(journaled('Leaver@Example.com')).toBe('unsubscribe');
  });

  it('sees a journal made within the same clock tick as the listing before it', () => {
    const journaled = journaledAddresses(stateFile);
    freeze(dir);
    expect(journaled('leaver@example.com')).toBeUndefined();
    // The folder's timestamps stay as they were: the change landed in the tick they show.
    unsubscribe(stateFile, 'leaver@example.com');
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
  });

  it('lists a folder that changed within the last tick once per look, not once more to find the journals again', () => {
    const journaled = journaledAddresses(stateFile);
    freeze(dir);
    journaled('first@example.com');
    listed.length = 0;
    for (let i = 0; i < 10; i++) expect(journaled(`reader${i}@example.com`)).toBeUndefined();
    expect(listed.filter((folder) => folder === dir)).toHaveLength(10);
    // Still seen at the next look, as before.
    unsubscribe(stateFile, 'leaver@example.com');
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
  });

  it('on a file system with whole-second timestamps, sees a journal made a second after the listing in the same second', () => {
    const journaled = journaledAddresses(stateFile);
    freeze(dir, true);
    expect(journaled('leaver@example.com')).toBeUndefined();
    vi.advanceTimersByTime(1_000);
    expect(journaled('leaver@example.com')).toBeUndefined();
    unsubscribe(stateFile, 'leaver@example.com');
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
  });

  it('sees a journal beside the file a state path that is a link was pointed to since the last look', () => {
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const linked = join(dir, 'linked.db');
    symlinkSync(join(dir, 'state.db'), linked);
    const journaled = journaledAddresses(linked);
    unsubscribe(join(elsewhere, 'state.db'), 'leaver@example.com');
    expect(journaled('leaver@example.com')).toBeUndefined();
    vi.advanceTimersByTime(3_000);
    expect(journaled('leaver@example.com')).toBeUndefined();
    unlinkSync(linked);
    symlinkSync(join(elsewhere, 'state.db'), linked);
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
  });
});
