import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  type StatsFs,
  statfsSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { MjmlResult } from './mjml.js';

/**
 * MJML output kept on disk, so a send, build or preview of an issue that was rendered before skips
 * loading MJML (about half a second) and compiling. The sources a render hands MJML hold that
 * render's random nonces (field tokens, section markers, line tokens), so the same issue gives a
 * different source every time: an entry is kept under its canonical form, each nonce replaced by a
 * placeholder, and read back with the current render's nonces put in.
 *
 * The cache is only ever a shortcut. The key covers the canonical source, the compile options and
 * the versions of MJML and the packages that shape its output. A source that already holds the
 * placeholder text, or that includes files (`mj-include`, whose contents the key does not cover), is
 * compiled every time; an entry that cannot be read, fails its check or is not what this version
 * wrote counts as missing; a write that fails (read-only folder, full disk) is skipped. Only
 * compiles without errors are kept, so error reports always come from MJML itself.
 *
 * With a secret (ROLECAST_SECRET) entries are named and sealed with a key derived from it, so a file
 * dropped into the folder by anyone without the secret (a restored CI cache, a shared volume) is
 * never read back into a message. Without one the check is a plain checksum.
 */

/** Bump when what an entry holds changes. */
const FORMAT = 'rolecast-mjml-cache-3';
const PLACEHOLDER = 'RCXNONCE';
const MAX_ENTRIES = 100;
/** A temporary file this old belongs to a write that was cut short. */
const ABANDONED_AFTER_MS = 10 * 60 * 1000;
/** A shortcut must not take the space the send's ledger needs: no entry is written below this. */
const DEFAULT_MIN_FREE_BYTES = 256 * 1024 * 1024;
/** Far above any digest's HTML: a bigger file at an entry's name is not an entry. */
const MAX_ENTRY_BYTES = 16 * 1024 * 1024;
/** What this cache writes, and all that pruning ever removes. */
const ENTRY_NAME = /^[0-9a-f]{64}\.json$/;
const TEMPORARY_NAME = /^[0-9a-f]{64}\.json\.\d+\.[0-9a-f]{8}\.tmp$/;
/** Opening an entry never follows a link and never waits (a FIFO put in its place). */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export type CompileSource = (source: string) => Promise<MjmlResult>;

export interface MjmlCacheOptions {
  dir: string;
  /** This render's nonces, each replaced by its own placeholder in what is kept. */
  nonces: readonly string[];
  /** What else shapes the output: the compile options (JSON). */
  context: string;
  /** Seals entries when set; an entry sealed with another key, or none, is a miss. */
  secret?: string | undefined;
  /** No entry is written with less free space than this (default 256 MB). */
  minFreeBytes?: number;
}

interface Entry {
  format: string;
  seal: string;
  html: string;
}

export function cachedMjml(compile: CompileSource, options: MjmlCacheOptions): CompileSource {
  const { dir, nonces } = options;
  const placeholders = nonces.map((_, i) => `${PLACEHOLDER}${i}Q`);
  const canonical = (text: string) => {
    let out = text;
    nonces.forEach((nonce, i) => {
      out = out.replaceAll(nonce, placeholders[i]!);
    });
    return out;
  };
  const restore = (text: string) => {
    let out = text;
    placeholders.forEach((placeholder, i) => {
      out = out.replaceAll(placeholder, nonces[i]!);
    });
    return out;
  };
  // Names and seals under keys of their own, and a seal covers the name: an entry copied over
  // another's name, or a name passed off as a seal, never checks.
  const nameOf = digestWith(options.secret, 'name');
  const sealOf = digestWith(options.secret, 'seal');
  const seal = (name: string, html: string) => sealOf(`${name}\0${html}`);
  const prefix = `${FORMAT}\0${outputVersions()}\0${options.context}\0`;
  const minFreeBytes = options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  return async (source) => {
    if (source.includes(PLACEHOLDER) || /<mj-include\b/i.test(source)) return compile(source);
    const name = nameOf(prefix + canonical(source));
    const file = join(dir, `${name}.json`);
    const kept = ownFolder(dir) ? readEntry(file, (html) => seal(name, html)) : undefined;
    if (kept !== undefined) return { html: restore(kept), errors: [] };
    const result = await compile(source);
    // MJML never writes the placeholder unless the source held it, which was bypassed above.
    if (result.errors.length === 0 && !result.html.includes(PLACEHOLDER)) {
      const html = canonical(result.html);
      writeEntry(dir, file, { format: FORMAT, seal: seal(name, html), html }, minFreeBytes);
    }
    return result;
  };
}

/**
 * A digest for one use: an HMAC under a key derived from the secret for that use, so the secret
 * itself seals nothing an attacker can read; without a secret, a labelled sha256.
 */
function digestWith(secret: string | undefined, use: 'name' | 'seal'): (text: string) => string {
  const label = `rolecast mjml output cache ${use}`;
  if (secret === undefined) return (text) => createHash('sha256').update(`${label}\0`).update(text).digest('hex');
  const key = createHmac('sha256', secret).update(label).digest();
  return (text) => createHmac('sha256', key).update(text).digest('hex');
}

let versions: string | undefined;
/** MJML, its core, and the inliner and parser its output depends on (their ranges can move). */
function outputVersions(): string {
  if (versions !== undefined) return versions;
  const found: string[] = [];
  try {
    const fromRolecast = createRequire(import.meta.url);
    const fromMjml = createRequire(fromRolecast.resolve('mjml'));
    const fromCore = createRequire(fromMjml.resolve('mjml-core'));
    for (const [from, name] of [
      [fromRolecast, 'mjml'],
      [fromMjml, 'mjml-core'],
      [fromCore, 'juice'],
      [fromCore, 'cheerio'],
    ] as const) {
      try {
        found.push(`${name}@${String((from(`${name}/package.json`) as { version: unknown }).version)}`);
      } catch {
        found.push(`${name}@?`);
      }
    }
  } catch {
    found.push('unresolved');
  }
  versions = found.join(' ');
  return versions;
}

/**
 * The folder is a directory of its own, not a link (a restored cache pointing elsewhere, whose
 * files pruning would remove) and, where the system has owners, this user's. Missing is fine: it
 * is made on the first write.
 */
function ownFolder(dir: string): boolean {
  try {
    const stats = lstatSync(dir);
    return stats.isDirectory() && (process.getuid === undefined || stats.uid === process.getuid());
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** An entry's text: a regular file of a sane size, opened without following a link or waiting. */
function readEntryText(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, READ_FLAGS);
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_ENTRY_BYTES) return undefined;
    return readFileSync(fd, 'utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readEntry(file: string, seal: (text: string) => string): string | undefined {
  const text = readEntryText(file);
  if (text === undefined) return undefined;
  try {
    const entry = JSON.parse(text) as Partial<Entry>;
    if (entry.format !== FORMAT || typeof entry.html !== 'string' || typeof entry.seal !== 'string') return undefined;
    const expected = Buffer.from(seal(entry.html), 'hex');
    const actual = Buffer.from(entry.seal, 'hex');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
    return entry.html;
  } catch {
    return undefined;
  }
}

function writeEntry(dir: string, file: string, entry: Entry, minFreeBytes: number): void {
  // Written beside its place, then renamed: a reader never sees half an entry.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    if (!ownFolder(dir) || freeBytes(dir) < minFreeBytes) return;
    writeFileSync(temporary, JSON.stringify(entry));
    renameSync(temporary, file);
    prune(dir);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Never written.
    }
  }
}

/**
 * Free space for this user. `bavail` counts fragments (`frsize`), which Node 20 does not report;
 * `bsize` stands in, but some file systems (virtiofs, ZFS, APFS) report a `bsize` far larger than
 * their fragments, which would count a full disk as roomy: past 64 KB it is taken as 4 KB.
 */
function freeBytes(dir: string): number {
  const stats: StatsFs & { frsize?: number } = statfsSync(dir);
  const unit = stats.frsize ?? (stats.bsize > 65536 ? 4096 : stats.bsize);
  return stats.bavail * unit;
}

/**
 * Keeps the newest entries; leftovers of writes cut short go once they are surely abandoned. Only
 * files named as this cache names them are ever removed.
 */
function prune(dir: string): void {
  const now = Date.now();
  const entries: { name: string; mtime: number }[] = [];
  for (const name of readdirSync(dir)) {
    const leftover = TEMPORARY_NAME.test(name);
    if (!leftover && !ENTRY_NAME.test(name)) continue;
    let mtime = 0;
    try {
      const stats = lstatSync(join(dir, name));
      if (!stats.isFile()) continue;
      mtime = stats.mtimeMs;
    } catch {
      continue;
    }
    if (!leftover) entries.push({ name, mtime });
    else if (now - mtime > ABANDONED_AFTER_MS) remove(join(dir, name));
  }
  if (entries.length <= MAX_ENTRIES) return;
  entries.sort((a, b) => b.mtime - a.mtime);
  for (const { name } of entries.slice(MAX_ENTRIES)) remove(join(dir, name));
}

function remove(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Removed by another process meanwhile.
  }
}
