import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { canonicalAddress } from '../address.js';
import { parseJournal } from './journal.js';

/**
 * One journal file as read so far by a look that is repeated before every message. `serve` only
 * appends, so when the file grew the look parses only its new end: the lines read before are kept.
 * Everything is read again when the file may have been rewritten rather than grown: another file
 * (dev/ino) at the path, smaller or no larger than before, or the first bytes or the last whole line
 * read before no longer where they were (cut and written again in place).
 */
export interface JournalTail {
  dev: number;
  ino: number;
  /** Bytes read as whole lines (up to and including the last newline). */
  offset: number;
  /** Size when last read, with a line not yet ended. */
  size: number;
  /** Lines read whole, so numbers in the new end go on from them. */
  lines: number;
  head: Buffer;
  lastLine: Buffer;
  /** By canonical address, the reason of its first entry; then addresses read from damage. */
  entries: Map<string, string>;
  suspects: Map<string, string>;
  damaged: number[];
  unverified: number[];
  /** What the line not yet ended says: read again at each change until its newline comes. */
  pending: {
    entries: Map<string, string>;
    suspects: Map<string, string>;
    damaged: number[];
    unverified: number[];
  };
}

const HEAD_BYTES = 4096;

/**
 * `file` read again after it changed: only its new end when it grew from `known`, else whole.
 * Undefined when it is gone or no longer a file. With `unmoved` (its size, timestamps and inode
 * number as when `known` was read, but within a tick of them, when another file or other lines may
 * have taken its place without moving them), `known` is kept while the file still starts and ends
 * its read lines as it did, and read whole again otherwise.
 */
export function readJournalTail(
  file: string,
  known: JournalTail | undefined,
  unmoved = false,
): JournalTail | undefined {
  let fd: number;
  try {
    // A fifo or a folder put there is no journal, and opening a fifo would wait for a writer.
    if (!statSync(file).isFile()) return undefined;
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const found = fstatSync(fd);
    if (!found.isFile()) return undefined;
    const tail = known && grewFrom(fd, found, known, unmoved) ? known : emptyTail(found.dev, found.ino);
    const bytes = readAt(fd, tail.offset, found.size - tail.offset);
    const end = bytes.lastIndexOf(0x0a) + 1;
    if (end > 0) {
      addLines(tail, bytes.subarray(0, end));
      // What was read before ended at a newline, so the last line starts in these bytes.
      const previousEnd = end >= 2 ? bytes.lastIndexOf(0x0a, end - 2) + 1 : 0;
      tail.lastLine = Buffer.from(bytes.subarray(previousEnd, end));
      if (tail.head.length < HEAD_BYTES && tail.offset < HEAD_BYTES)
        tail.head = Buffer.concat([tail.head, bytes.subarray(0, Math.min(end, HEAD_BYTES - tail.offset))]);
      tail.offset += end;
    }
    tail.pending = readPending(bytes.subarray(end), tail.lines + 1);
    tail.size = found.size;
    return tail;
  } finally {
    closeSync(fd);
  }
}

/** The reason `email` (canonical) is journaled in `tail`, the first entry before any damage. */
export function journaledReason(tail: JournalTail, email: string): string | undefined {
  return (
    tail.entries.get(email) ??
    tail.pending.entries.get(email) ??
    tail.suspects.get(email) ??
    tail.pending.suspects.get(email)
  );
}

export function journalTailDamage(tail: JournalTail): { damaged: number[]; unverified: number[] } {
  return {
    damaged: [...tail.damaged, ...tail.pending.damaged],
    unverified: [...tail.unverified, ...tail.pending.unverified],
  };
}

export function journalTailEmpty(tail: JournalTail): boolean {
  return (
    tail.entries.size === 0 &&
    tail.suspects.size === 0 &&
    tail.pending.entries.size === 0 &&
    tail.pending.suspects.size === 0
  );
}

function grewFrom(
  fd: number,
  found: { dev: number; ino: number; size: number },
  known: JournalTail,
  orSameSize: boolean,
): boolean {
  if (found.dev !== known.dev || found.ino !== known.ino) return false;
  // No larger than read before yet changed: rewritten in place (an editor mending a line).
  if (orSameSize ? found.size < known.size : found.size <= known.size) return false;
  if (found.size < known.offset) return false;
  if (!readAt(fd, 0, known.head.length).equals(known.head)) return false;
  return readAt(fd, known.offset - known.lastLine.length, known.lastLine.length).equals(known.lastLine);
}

function emptyTail(dev: number, ino: number): JournalTail {
  return {
    dev,
    ino,
    offset: 0,
    size: 0,
    lines: 0,
    head: Buffer.alloc(0),
    lastLine: Buffer.alloc(0),
    entries: new Map(),
    suspects: new Map(),
    damaged: [],
    unverified: [],
    pending: { entries: new Map(), suspects: new Map(), damaged: [], unverified: [] },
  };
}

function readAt(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.alloc(Math.max(0, length));
  let read = 0;
  while (read < bytes.length) {
    const got = readSync(fd, bytes, read, bytes.length - read, position + read);
    if (got === 0) break;
    read += got;
  }
  return bytes.subarray(0, read);
}

// Whole lines end in a newline, a byte no UTF-8 character holds: the text decodes as the file would.
function addLines(tail: JournalTail, bytes: Buffer): void {
  const parsed = parseJournal(bytes.toString('utf8'), tail.lines + 1);
  keep(tail.entries, tail.suspects, parsed);
  tail.damaged.push(...parsed.damaged);
  tail.unverified.push(...parsed.unverified);
  tail.lines += countNewlines(bytes);
}

function readPending(bytes: Buffer, line: number): JournalTail['pending'] {
  const pending: JournalTail['pending'] = { entries: new Map(), suspects: new Map(), damaged: [], unverified: [] };
  if (bytes.length === 0) return pending;
  const parsed = parseJournal(bytes.toString('utf8'), line);
  keep(pending.entries, pending.suspects, parsed);
  pending.damaged = parsed.damaged;
  pending.unverified = parsed.unverified;
  return pending;
}

function keep(
  entries: Map<string, string>,
  suspects: Map<string, string>,
  parsed: ReturnType<typeof parseJournal>,
): void {
  for (const entry of parsed.entries) {
    const email = canonicalAddress(entry.email);
    if (!entries.has(email)) entries.set(email, entry.reason || 'unsubscribe');
  }
  for (const suspect of parsed.suspects) {
    const email = canonicalAddress(suspect);
    if (!suspects.has(email)) suspects.set(email, 'unsubscribe');
  }
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) count++;
  return count;
}
