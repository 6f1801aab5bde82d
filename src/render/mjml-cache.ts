import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statfsSync,
  statSync,
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
    const kept = readEntry(file, (html) => seal(name, html));
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

function readEntry(file: string, seal: (text: string) => string): string | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<Entry>;
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
    const free = statfsSync(dir);
    if (free.bavail * free.bsize < minFreeBytes) return;
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

/** Keeps the newest entries; leftovers of writes cut short go once they are surely abandoned. */
function prune(dir: string): void {
  const now = Date.now();
  const entries: { name: string; mtime: number }[] = [];
  for (const name of readdirSync(dir)) {
    const leftover = name.endsWith('.tmp');
    if (!leftover && !name.endsWith('.json')) continue;
    let mtime = 0;
    try {
      mtime = statSync(join(dir, name)).mtimeMs;
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
