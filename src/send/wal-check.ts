import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Whether a state file's write-ahead log would lose committed records when SQLite opens it.
 *
 * SQLite replays the log's frames in order and stops at the first whose checksum fails, dropping
 * everything after it without a word; `quick_check` then passes. A torn last write (a crash in the
 * middle of appending) is expected and loses only what was never committed. But a bad frame
 * followed by more frames of the same log generation (same salts) means the log went on past it:
 * damage, or a power loss that kept later writes and not earlier ones, when a commit frame follows:
 * a transaction committed after the bad frame would be lost. Opening the file would then read sent
 * messages as never sent, and send them again. Frames after a bad one with no commit after them are
 * the rest of a transaction that never committed (a write refused by a full disk leaves those) and
 * lose nothing. Frames after a bad one are only looked at for their headers; frames of an older
 * generation (a log reused after a checkpoint) never count.
 *
 * Format: https://www.sqlite.org/fileformat2.html#the_write_ahead_log
 */

const HEADER = 32;
const FRAME_HEADER = 24;
const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;

export interface WalDamage {
  /** The first frame (1-based) whose checksum fails. */
  frame: number;
  /** Frames of the same generation after it, which SQLite would drop. */
  dropped: number;
}

/** Undefined when the log is missing, empty, or sound up to at most a torn end. */
export function walDamage(walFile: string): WalDamage | undefined {
  return readLog(walFile)?.damage;
}

export function walDamageIn(bytes: Buffer): WalDamage | undefined {
  return scan(bytes.length, (position, length) => bytes.subarray(position, position + length))?.damage;
}

/** What one read through a log found: its damage, and where the newest committed copy of each page is. */
export interface LogRead {
  damage?: WalDamage;
  pageSize: number;
  /** The log generation's salts, which each of its frames repeats. */
  salt: Buffer;
  /** Page number → offset in the log of its newest copy SQLite would replay (a committed one). */
  pages: Map<number, number>;
}

/** Undefined when the log is missing, empty or one SQLite would ignore as a whole. */
export function readLog(walFile: string): LogRead | undefined {
  let fd: number;
  try {
    fd = openSync(walFile, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // Read as far as the current log goes: a log reused after a checkpoint is read only to where
    // its older frames start, and frames after a bad one only for their headers.
    return scan(fstatSync(fd).size, (position, length, into) => {
      readSync(fd, into, 0, length, position);
      return into.subarray(0, length);
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * `readLog` from the frames' headers alone, for the reads too frequent to go through a whole log
 * (the preview's on every edit): the newest copy of each page in the log's current generation,
 * committed or not and its checksum unchecked. Good only for a first look: whatever it finds
 * against the file is judged again through `readLog`.
 */
export function logCopies(walFile: string): LogRead | undefined {
  let fd: number;
  try {
    fd = openSync(walFile, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const read: Read = (position, length, into) => {
      readSync(fd, into, 0, length, position);
      return into.subarray(0, length);
    };
    const start = logHeader(size, read);
    if (!start) return undefined;
    const log: LogRead = {
      pageSize: start.pageSize,
      salt: Buffer.from(start.header.subarray(16, 24)),
      pages: new Map(),
    };
    const frameSize = FRAME_HEADER + start.pageSize;
    const frame = Buffer.alloc(FRAME_HEADER);
    for (let at = HEADER; at + frameSize <= size; at += frameSize) {
      read(at, FRAME_HEADER, frame);
      if (!frame.subarray(8, 16).equals(log.salt)) break;
      log.pages.set(frame.readUInt32BE(0), at);
    }
    return log;
  } finally {
    closeSync(fd);
  }
}

type Read = (position: number, length: number, into: Buffer) => Buffer;

/** The log's header, with the running checksum its frames go on from; undefined when SQLite would ignore the log. */
function logHeader(
  size: number,
  read: Read,
): { bigEndian: boolean; pageSize: number; sum: [number, number]; header: Buffer } | undefined {
  if (size < HEADER) return undefined;
  const header = read(0, HEADER, Buffer.alloc(HEADER));
  const magic = header.readUInt32BE(0);
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) return undefined;
  const bigEndian = magic === MAGIC_BE;
  const pageSize = header.readUInt32BE(8);
  // A header SQLite would not accept makes it ignore the whole log: nothing of it was ever replayed.
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  const sum: [number, number] = [0, 0];
  checksum(wordsOf(header, bigEndian), 0, 6, sum);
  if (sum[0] !== header.readUInt32BE(24) || sum[1] !== header.readUInt32BE(28)) return undefined;
  return { bigEndian, pageSize, sum, header };
}

function scan(size: number, read: Read): LogRead | undefined {
  const start = logHeader(size, read);
  if (!start) return undefined;
  const { bigEndian, pageSize, sum, header } = start;
  const salt1 = header.readUInt32BE(16);
  const salt2 = header.readUInt32BE(20);
  const log: LogRead = { pageSize, salt: Buffer.from(header.subarray(16, 24)), pages: new Map() };
  // Copies of the transaction being read, which count once its commit frame comes.
  const uncommitted = new Map<number, number>();
  const frameSize = FRAME_HEADER + pageSize;
  const frames = Math.floor((size - HEADER) / frameSize);
  const buffer = Buffer.alloc(frameSize);
  let bad: number | undefined;
  let dropped = 0;
  let committedAfter = false;
  for (let i = 0; i < frames; i++) {
    const at = HEADER + i * frameSize;
    const frame = read(at, bad === undefined ? frameSize : FRAME_HEADER, buffer);
    const ours = frame.readUInt32BE(8) === salt1 && frame.readUInt32BE(12) === salt2;
    // A commit frame: the database size after the commit; zero in every other frame.
    const commit = frame.readUInt32BE(4) !== 0;
    if (bad !== undefined) {
      if (!ours) continue;
      dropped++;
      if (commit) committedAfter = true;
      continue;
    }
    // A frame of an older generation ends this one, as it ends SQLite's replay.
    if (!ours) break;
    const words = wordsOf(frame, bigEndian);
    checksum(words, 0, 2, sum);
    checksum(words, FRAME_HEADER / 4, pageSize / 4, sum);
    if (sum[0] !== frame.readUInt32BE(16) || sum[1] !== frame.readUInt32BE(20)) {
      bad = i + 1;
      continue;
    }
    uncommitted.set(frame.readUInt32BE(0), at);
    if (!commit) continue;
    for (const [page, offset] of uncommitted) log.pages.set(page, offset);
    uncommitted.clear();
  }
  if (bad !== undefined && committedAfter) log.damage = { frame: bad, dropped };
  return log;
}

const LITTLE_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** `bytes` as 32-bit words in the byte order the log's checksums are taken in. */
function wordsOf(bytes: Buffer, bigEndian: boolean): Uint32Array {
  const count = Math.floor(bytes.length / 4);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, count);
  if (bigEndian !== LITTLE_HOST) return words;
  const swapped = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const x = words[i]!;
    swapped[i] = ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  }
  return swapped;
}

/** SQLite's log checksum over `count` words (an even number) from word `start`, continuing `sum`. */
function checksum(words: Uint32Array, start: number, count: number, sum: [number, number]): void {
  let s0 = sum[0];
  let s1 = sum[1];
  const end = start + count;
  for (let i = start; i < end; i += 2) {
    s0 = (s0 + words[i]! + s1) >>> 0;
    s1 = (s1 + words[i + 1]! + s0) >>> 0;
  }
  sum[0] = s0;
  sum[1] = s1;
}

/**
 * What a state file's write-ahead log lacks of the frames its index (`-shm`) lists as committed.
 *
 * A process killed mid-send leaves its records in the log and the log's index beside it, which
 * counts the frames committed (`mxFrame`) and those already copied into the file (`nBackfill`).
 * SQLite rebuilds the index from whatever log it finds: a log deleted, truncated or swapped for
 * another one (a copy of `state.db` without its `-wal`, a "stale file" removed) opens without a word,
 * and every message recorded only there reads as never sent. The index is written after the log on
 * every commit, so in a live file the log always holds what the index lists.
 *
 * Format: https://www.sqlite.org/walformat.html#the_wal_index_file_format
 */
export interface WalLoss {
  /** Frames the index lists as committed and not yet copied into the file. */
  committed: number;
  /** How many of the index's frames the log holds: 0 when it is missing or another log. */
  present: number;
}

const INDEX_HEADER = 48;
const CHECKPOINT_INFO = 40;
const WAL_INDEX_VERSION = 3007000;

/** Undefined when nothing committed is lost: no index, an index fully copied in, or a log holding it all. */
export function walLoss(walFile: string, shmFile: string): WalLoss | undefined {
  const before = readIndex(shmFile);
  if (!before) return undefined;
  const index = parseIndex(before);
  if (!index || index.mxFrame <= index.nBackfill) return undefined;
  const present = framesHeld(walFile, index.salt);
  // A writer that moved the log on between the two reads (a checkpoint, a restart): not judged.
  const after = readIndex(shmFile);
  if (!after?.equals(before) || present >= index.mxFrame) return undefined;
  return { committed: index.mxFrame - index.nBackfill, present };
}

function readIndex(shmFile: string): Buffer | undefined {
  const length = 2 * INDEX_HEADER + CHECKPOINT_INFO;
  let fd: number;
  try {
    fd = openSync(shmFile, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const bytes = Buffer.alloc(length);
    return readSync(fd, bytes, 0, length, 0) === length ? bytes : undefined;
  } finally {
    closeSync(fd);
  }
}

/** The index header as SQLite wrote it (two equal copies, in the host's byte order), or undefined. */
function parseIndex(bytes: Buffer): { mxFrame: number; nBackfill: number; salt: Buffer } | undefined {
  const first = bytes.subarray(0, INDEX_HEADER);
  if (!first.equals(bytes.subarray(INDEX_HEADER, 2 * INDEX_HEADER))) return undefined;
  const u32 = (at: number) => (LITTLE_HOST ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  if (u32(0) !== WAL_INDEX_VERSION || bytes[12] !== 1) return undefined;
  const sum: [number, number] = [0, 0];
  // A copy of its own: words in the host's byte order, from an aligned start.
  checksum(new Uint32Array(new Uint8Array(first.subarray(0, 40)).buffer), 0, 10, sum);
  if (sum[0] !== u32(40) || sum[1] !== u32(44)) return undefined;
  return { mxFrame: u32(16), nBackfill: u32(2 * INDEX_HEADER), salt: Buffer.from(bytes.subarray(32, 40)) };
}

/** Whole frames of the log generation with these salts: 0 for a missing log or another one. */
function framesHeld(walFile: string, salt: Buffer): number {
  let fd: number;
  try {
    fd = openSync(walFile, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(HEADER);
    if (size < HEADER || readSync(fd, header, 0, HEADER, 0) < HEADER) return 0;
    const magic = header.readUInt32BE(0);
    if ((magic !== MAGIC_LE && magic !== MAGIC_BE) || !header.subarray(16, 24).equals(salt)) return 0;
    return Math.floor((size - HEADER) / (FRAME_HEADER + header.readUInt32BE(8)));
  } finally {
    closeSync(fd);
  }
}

/** The page a frame `readLog` found holds; undefined when the log was started afresh since it was read. */
export function logPage(fd: number, log: LogRead, offset: number): Buffer | undefined {
  const frame = Buffer.alloc(FRAME_HEADER + log.pageSize);
  if (readSync(fd, frame, 0, frame.length, offset) < frame.length) return undefined;
  return frame.subarray(8, 16).equals(log.salt) ? frame.subarray(FRAME_HEADER) : undefined;
}
