import { createHash, randomBytes } from 'node:crypto';
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
 * The cache is only ever a shortcut. A source that already holds the placeholder text, or that
 * includes files (`mj-include`, whose contents the key does not cover), is compiled every time; an
 * entry that cannot be read, fails its checksum or is not what this version wrote counts as
 * missing; a write that fails (read-only folder, full disk) is skipped. Only compiles without
 * errors are kept, so error reports always come from MJML itself.
 */

/** Bump when the compile options in mjml.ts, or what an entry holds, change. */
const FORMAT = 'rolecast-mjml-cache-1';
const PLACEHOLDER = 'RCXNONCE';
const MAX_ENTRIES = 100;
/** A shortcut must not take the space the send's ledger needs: no entry is written below this. */
const MIN_FREE_BYTES = 256 * 1024 * 1024;

export type CompileSource = (source: string) => Promise<MjmlResult>;

interface Entry {
  format: string;
  sha256: string;
  html: string;
}

export function cachedMjml(compile: CompileSource, dir: string, nonces: readonly string[]): CompileSource {
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
  return async (source) => {
    if (source.includes(PLACEHOLDER) || /<mj-include\b/i.test(source)) return compile(source);
    const file = join(dir, `${keyOf(canonical(source))}.json`);
    const kept = readEntry(file);
    if (kept !== undefined) return { html: restore(kept), errors: [] };
    const result = await compile(source);
    // Kept only when the round trip gives back exactly what MJML wrote.
    if (result.errors.length === 0 && !result.html.includes(PLACEHOLDER)) {
      const html = canonical(result.html);
      if (restore(html) === result.html) writeEntry(dir, file, html);
    }
    return result;
  };
}

let mjmlVersion: string | undefined;
function keyOf(canonicalSource: string): string {
  mjmlVersion ??= String((createRequire(import.meta.url)('mjml/package.json') as { version: unknown }).version);
  return createHash('sha256').update(`${FORMAT}\0${mjmlVersion}\0`).update(canonicalSource).digest('hex');
}

function readEntry(file: string): string | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<Entry>;
    if (entry.format !== FORMAT || typeof entry.html !== 'string') return undefined;
    if (createHash('sha256').update(entry.html).digest('hex') !== entry.sha256) return undefined;
    return entry.html;
  } catch {
    return undefined;
  }
}

function writeEntry(dir: string, file: string, html: string): void {
  const entry: Entry = { format: FORMAT, sha256: createHash('sha256').update(html).digest('hex'), html };
  // Written beside its place, then renamed: a reader never sees half an entry.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    const free = statfsSync(dir);
    if (free.bavail * free.bsize < MIN_FREE_BYTES) return;
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

/** Keeps the newest entries; leftovers of writes cut short go too. */
function prune(dir: string): void {
  const names = readdirSync(dir).filter((name) => name.endsWith('.json') || name.endsWith('.tmp'));
  if (names.length <= MAX_ENTRIES) return;
  const byAge = names
    .map((name) => {
      try {
        return { name, mtime: statSync(join(dir, name)).mtimeMs };
      } catch {
        return { name, mtime: 0 };
      }
    })
    .sort((a, b) => b.mtime - a.mtime);
  for (const { name } of byAge.slice(MAX_ENTRIES)) {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
