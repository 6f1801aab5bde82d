import { readFileSync } from 'node:fs';

/**
 * Whether a state file's write-ahead log would lose committed records when SQLite opens it.
 *
 * SQLite replays the log's frames in order and stops at the first whose checksum fails, dropping
 * everything after it without a word; `quick_check` then passes. A torn last write (a crash in the
 * middle of appending) is expected and loses only what was never committed. But a bad frame
 * followed by more frames of the same log generation (same salts) means the log went on past it:
 * damage, or a power loss that kept later writes and not earlier ones. Opening the file would
 * then read sent messages as never sent, and send them again. Frames after a bad one are only
 * looked at for their salts; frames of an older generation (a log reused after a checkpoint) never
 * count.
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(walFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return walDamageIn(bytes);
}

export function walDamageIn(bytes: Buffer): WalDamage | undefined {
  if (bytes.length < HEADER) return undefined;
  const magic = bytes.readUInt32BE(0);
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) return undefined;
  const bigEndian = magic === MAGIC_BE;
  const pageSize = bytes.readUInt32BE(8);
  // A header SQLite would not accept makes it ignore the whole log: nothing of it was ever replayed.
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  const salt1 = bytes.readUInt32BE(16);
  const salt2 = bytes.readUInt32BE(20);
  let sum = checksum(bytes, 0, 24, [0, 0], bigEndian);
  if (sum[0] !== bytes.readUInt32BE(24) || sum[1] !== bytes.readUInt32BE(28)) return undefined;
  const frameSize = FRAME_HEADER + pageSize;
  const frames = Math.floor((bytes.length - HEADER) / frameSize);
  let bad: number | undefined;
  let dropped = 0;
  for (let i = 0; i < frames; i++) {
    const at = HEADER + i * frameSize;
    const ours = bytes.readUInt32BE(at + 8) === salt1 && bytes.readUInt32BE(at + 12) === salt2;
    if (bad !== undefined) {
      if (ours) dropped++;
      continue;
    }
    // A frame of an older generation ends this one, as it ends SQLite's replay.
    if (!ours) return undefined;
    sum = checksum(bytes, at, 8, sum, bigEndian);
    sum = checksum(bytes, at + FRAME_HEADER, pageSize, sum, bigEndian);
    if (sum[0] !== bytes.readUInt32BE(at + 16) || sum[1] !== bytes.readUInt32BE(at + 20)) bad = i + 1;
  }
  return bad !== undefined && dropped > 0 ? { frame: bad, dropped } : undefined;
}

/** SQLite's log checksum over `length` bytes (a multiple of 8) from `start`, continuing `sum`. */
function checksum(
  bytes: Buffer,
  start: number,
  length: number,
  sum: readonly [number, number],
  bigEndian: boolean,
): [number, number] {
  let s0 = sum[0];
  let s1 = sum[1];
  const end = start + length;
  for (let i = start; i < end; i += 8) {
    const x0 = bigEndian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i);
    const x1 = bigEndian ? bytes.readUInt32BE(i + 4) : bytes.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}
