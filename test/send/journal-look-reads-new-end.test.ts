import { appendFileSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalPath } from '../../src/send/journal.js';
import { withCheck } from '../../src/send/journal-check.js';
import { journaledAddresses } from '../../src/send/journal-watch.js';
import { workDone } from '../../src/send/work-done.js';

/**
 * A send looks at the unsubscribe journal before every message, and `serve` appends to it while the
 * send runs. A journal of 100,000 lines parsed whole after each append held the next message for
 * seconds: a look now parses only the lines added since the last one, and the whole file again when
 * it was replaced, cut or rewritten rather than grown. No line may be missed either way.
 */

let dir: string;
let stateFile: string;
let journal: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-journal-new-end-'));
  stateFile = join(dir, 'state.db');
  journal = journalPath(stateFile);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const line = (email: string) =>
  `${withCheck(JSON.stringify({ email, reason: 'unsubscribe', source: 'link', at: '2026-01-01T00:00:00.000Z' }))}\n`;
const readers = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => line(`reader${from + i}@example.test`)).join('');
// Lines parsed by one look.
const parsedBy = (look: () => unknown) => {
  const before = workDone('journalLinesParsed');
  look();
  return workDone('journalLinesParsed') - before;
};

describe('a journal that only grew', () => {
  it('parses only the lines appended since the last look, and sees each of them', () => {
    writeFileSync(journal, readers(0, 200));
    const look = journaledAddresses(stateFile, { stopOnDamage: true });
    expect(parsedBy(() => look('reader0@example.test'))).toBe(200);
    expect(look('reader199@example.test')).toBe('unsubscribe');
    expect(parsedBy(() => look('reader0@example.test'))).toBe(0);

    appendFileSync(journal, line('late@example.test'));
    expect(parsedBy(() => expect(look('LATE@example.test')).toBe('unsubscribe'))).toBe(1);
    expect(look('reader5@example.test')).toBe('unsubscribe');
    expect(look('never@example.test')).toBeUndefined();

    appendFileSync(journal, readers(500, 3));
    expect(parsedBy(() => look('x@example.test'))).toBe(3);
    for (const n of [500, 501, 502]) expect(look(`reader${n}@example.test`)).toBe('unsubscribe');
  });

  it('reads a line written in two parts once it is whole', () => {
    writeFileSync(journal, readers(0, 50));
    const look = journaledAddresses(stateFile, { stopOnDamage: true });
    look('x@example.test');
    const whole = line('halfway@example.test');
    appendFileSync(journal, whole.slice(0, 8));
    // Cut before its address: nothing to read yet, and no damage.
    expect(look('halfway@example.test')).toBeUndefined();
    appendFileSync(journal, whole.slice(8, 30));
    look('x@example.test');
    appendFileSync(journal, whole.slice(30));
    expect(parsedBy(() => expect(look('halfway@example.test')).toBe('unsubscribe'))).toBe(1);
    appendFileSync(journal, line('after@example.test'));
    expect(parsedBy(() => expect(look('after@example.test')).toBe('unsubscribe'))).toBe(1);
    expect(look('halfway@example.test')).toBe('unsubscribe');
  });

  it('stops at a damaged line appended later, naming its line in the whole journal', () => {
    writeFileSync(journal, readers(0, 40));
    const look = journaledAddresses(stateFile, { stopOnDamage: true });
    look('x@example.test');
    appendFileSync(journal, line('ok@example.test'));
    look('x@example.test');
    appendFileSync(journal, '{"email":"\u0001\u0002 not a line serve writes, nor cut short by a crash"\n');
    expect(() => look('x@example.test')).toThrow(/is damaged at line 42\b/);
    appendFileSync(journal, line('next@example.test'));
    expect(() => look('x@example.test')).toThrow(/is damaged at line 42\b/);
    // A look that cannot stop still sees the lines on either side of it.
    const page = journaledAddresses(stateFile);
    expect(page('ok@example.test')).toBe('unsubscribe');
    expect(page('next@example.test')).toBe('unsubscribe');
  });
});

describe('a journal rewritten rather than grown', () => {
  it('is read whole again when another, shorter file takes its place', () => {
    writeFileSync(journal, readers(0, 100));
    const look = journaledAddresses(stateFile);
    look('x@example.test');
    const other = join(dir, 'other');
    writeFileSync(other, line('other@example.test'));
    renameSync(other, journal);
    expect(parsedBy(() => expect(look('other@example.test')).toBe('unsubscribe'))).toBe(1);
    expect(look('reader3@example.test')).toBeUndefined();
  });

  it('is read whole again when another, longer file takes its place', () => {
    writeFileSync(journal, readers(0, 10));
    const look = journaledAddresses(stateFile);
    look('x@example.test');
    const other = join(dir, 'other');
    writeFileSync(other, readers(100, 30));
    renameSync(other, journal);
    expect(parsedBy(() => look('x@example.test'))).toBe(30);
    expect(look('reader100@example.test')).toBe('unsubscribe');
    expect(look('reader3@example.test')).toBeUndefined();
  });

  it('is read whole again when cut and written again in place, longer or the same size', () => {
    writeFileSync(journal, readers(0, 10));
    const look = journaledAddresses(stateFile);
    look('x@example.test');
    const { ino } = statSync(journal);
    // The same file, its lines replaced by others and one more.
    writeFileSync(journal, readers(50, 11));
    expect(statSync(journal).ino).toBe(ino);
    expect(parsedBy(() => look('x@example.test'))).toBe(11);
    expect(look('reader60@example.test')).toBe('unsubscribe');
    expect(look('reader9@example.test')).toBeUndefined();

    // An address mended in place keeps the size: read whole again too.
    const text = readers(50, 11).replace('reader55@', 'mended55@');
    writeFileSync(journal, text);
    utimesSync(journal, new Date(), new Date(Date.now() + 5_000));
    expect(parsedBy(() => look('x@example.test'))).toBe(11);
    expect(look('mended55@example.test')).toBe('unsubscribe');
    expect(look('reader55@example.test')).toBeUndefined();
  });

  it('is read whole again when written again in place at the same size, its modification time as it was', () => {
    // Whole seconds, as a file system with whole-second timestamps keeps them.
    const second = Math.floor(Date.now() / 1_000);
    writeFileSync(journal, line('first@example.test'));
    utimesSync(journal, second, second);
    const look = journaledAddresses(stateFile);
    expect(look('first@example.test')).toBe('unsubscribe');
    const before = statSync(journal);
    // Another address as long, within the second the file's modification time shows.
    writeFileSync(journal, line('other@example.test'));
    utimesSync(journal, second, second);
    expect(statSync(journal).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(journal).size).toBe(before.size);
    expect(look('other@example.test')).toBe('unsubscribe');
    expect(look('first@example.test')).toBeUndefined();
  });

  it('is read whole again when cut to nothing and written again', () => {
    writeFileSync(journal, readers(0, 5));
    const look = journaledAddresses(stateFile);
    look('x@example.test');
    writeFileSync(journal, '');
    expect(look('reader0@example.test')).toBeUndefined();
    appendFileSync(journal, line('fresh@example.test'));
    expect(look('fresh@example.test')).toBe('unsubscribe');
    expect(look('reader0@example.test')).toBeUndefined();
  });
});
