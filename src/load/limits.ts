import { stat } from 'node:fs/promises';
import type { Problem } from '../errors.js';
import { RolecastError } from '../errors.js';
import { displayPath } from './_display.js';

/**
 * Every size, depth and count limit on input, in one place so the README and the code agree.
 * Limits are checked before parsing: a hostile or broken file is refused in linear time with one
 * clear problem, never a stack overflow or minutes of work.
 */

const KB = 1024;
const MB = 1024 * KB;

/**
 * Subscriber lists and suppression imports may be big. Node cannot hold text of more than about
 * 512 MB as one string, so this is the largest list that can be read at all.
 */
export const MAX_LIST_BYTES = 500 * MB;

export const LIMITS = {
  /** One summary file (.txt, .json, .md). */
  summaryBytes: 1 * MB,
  /** The YAML frontmatter of a Markdown summary. */
  frontmatterBytes: 64 * KB,
  /** issue.json, rolecast.config.json and roles.yaml. */
  smallFileBytes: 1 * MB,
  subscriberListBytes: MAX_LIST_BYTES,
  suppressionImportBytes: MAX_LIST_BYTES,
  /** Nesting of [ ] and { } in JSON, and of collections in YAML. */
  depth: 64,
  /** YAML aliases (`*name`) per file: guards against alias bombs. */
  yamlAliases: 100,
  summariesPerIssue: 500,
  rolesPerSummary: 64,
  rolesPerSubscriber: 64,
  /** Roles and aliases in roles.yaml. */
  taxonomyRoles: 1000,
  aliasesPerRole: 100,
  /** Characters in one role name. */
  roleLength: 100,
  /** Characters in a subscriber's or the sender's name. */
  nameLength: 200,
  /** Characters in a title, a subject line or a source name. */
  titleLength: 500,
  /** Characters in a long text field: summary, takeaway, insights, intro, editor note, attribution. */
  textLength: 200_000,
  /** Items in one bullet list (principles, practice, topics). */
  listItems: 200,
  /** Characters in one bullet. */
  itemLength: 5_000,
  /** Characters in a URL or a file path. */
  urlLength: 2_048,
} as const;

export function formatBytes(bytes: number): string {
  if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes >= KB && bytes % KB === 0) return `${bytes / KB} KB`;
  return `${bytes} bytes`;
}

/** The problem for a file over its size limit. */
export function tooLarge(file: string, size: number, limit: number, hint = 'split it into smaller files'): Problem {
  return {
    severity: 'error',
    file,
    field: 'file',
    message: `is too large (${formatBytes(size)})`,
    hint: `limit ${formatBytes(limit)}; ${hint}`,
  };
}

/** The problem for a document nested deeper than LIMITS.depth. */
export function tooDeep(file: string, line: number, field = 'file'): Problem {
  return {
    severity: 'error',
    file,
    line,
    field,
    message: `is nested too deep (more than ${LIMITS.depth} levels)`,
    hint: `limit ${LIMITS.depth} levels of nesting; flatten the structure`,
  };
}

/** Size of a file on disk, so an oversized file is refused before it is read into memory. */
export async function fileSize(file: string): Promise<number | undefined> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    return undefined;
  }
  if (info.isFile()) return info.size;
  // A device, pipe or socket has no size to check and may never end (/dev/zero): never read one.
  if (!info.isDirectory()) {
    throw new RolecastError('E_INVALID', `${displayPath(file)} is not a regular file`, {
      hint: 'pass a file saved on disk (not a device, pipe or socket)',
    });
  }
  return undefined;
}

/** UTF-8 size of text already in memory, without encoding it. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * The line where JSON nesting first goes deeper than `limit`, or undefined. One pass, skipping
 * strings, so it is safe to run on any input before a recursive parser sees it.
 */
export function jsonTooDeepAt(text: string, limit: number = LIMITS.depth): number | undefined {
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) line++;
    if (inString) {
      if (code === 92) i++;
      else if (code === 34) inString = false;
      continue;
    }
    if (code === 34) inString = true;
    else if (code === 91 || code === 123) {
      if (++depth > limit) return line;
    } else if ((code === 93 || code === 125) && depth > 0) depth--;
  }
  return undefined;
}

/**
 * The line where YAML nesting first goes deeper than `limit`, or undefined: indentation levels,
 * compact `- - -` sequences and flow `[ {` collections together. One pass over the text; quoted
 * scalars and comments are skipped. It errs on the safe side only for absurd plain scalars.
 */
export function yamlTooDeepAt(text: string, limit: number = LIMITS.depth): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let line = 0;
  let i = 0;
  /** Indentation of the line that opened a `|` or `>` block scalar: deeper lines are text. */
  let scalarIndent: number | undefined;
  while (i < text.length) {
    line++;
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    let pos = i;
    if (flow === 0) {
      while (pos < end && text.charCodeAt(pos) === 32) pos++;
      const indent = pos - i;
      const blank = pos >= end || text[pos] === '\r';
      if (scalarIndent !== undefined && (blank || indent > scalarIndent)) {
        i = end + 1;
        continue;
      }
      scalarIndent = undefined;
      if (!blank && text[pos] !== '#') {
        while (indents.length && indents[indents.length - 1]! > indent) indents.pop();
        if (!indents.length || indents[indents.length - 1]! < indent) indents.push(indent);
      }
      // `- - x` and `? - x` open one collection per indicator on a single line.
      let compact = 0;
      while (pos + 1 < end && (text[pos] === '-' || text[pos] === '?') && text[pos + 1] === ' ') {
        compact++;
        pos += 2;
        while (pos < end && text.charCodeAt(pos) === 32) pos++;
      }
      if (indents.length + compact > limit) return line;
    }
    const lineIndent = indents[indents.length - 1] ?? 0;
    const inBlock = flow === 0;
    let previous = '';
    let last = '';
    for (; pos < end; pos++) {
      const ch = text[pos]!;
      const startsScalar = previous === '' || ':-?,[{'.includes(previous);
      if ((ch === "'" || ch === '"') && startsScalar) {
        const close = skipQuoted(text, pos, ch);
        if (close >= 0) {
          // A quoted scalar may span lines: count them.
          for (let k = pos; k < close; k++) if (text.charCodeAt(k) === 10) line++;
          pos = close;
          if (close >= end) end = nextLineEnd(text, close);
          previous = ch;
          last = ch;
          continue;
        }
      }
      if (ch === '#' && (previous === '' || text[pos - 1] === ' ' || text[pos - 1] === '\t')) break;
      const opensHere = flow > 0 || startsScalar;
      if ((ch === '[' || ch === '{') && opensHere) {
        if (indents.length + ++flow > limit) return line;
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
      if (ch !== ' ' && ch !== '\t' && ch !== '\r') {
        // `key: |`, `- >-`: what follows, indented, is a block of text.
        last = (ch === '|' || ch === '>') && (previous === '' || ':-?'.includes(previous)) ? ch : (last + ch).slice(-4);
        previous = ch;
      }
    }
    if (inBlock && flow === 0 && /^[|>][1-9+-]{0,2}$/.test(last)) scalarIndent = lineIndent;
    i = end + 1;
  }
  return undefined;
}

function skipQuoted(text: string, start: number, quote: string): number {
  for (let k = start + 1; k < text.length; k++) {
    const ch = text[k];
    if (quote === '"' && ch === '\\') k++;
    else if (ch === quote) {
      if (quote === "'" && text[k + 1] === "'") k++;
      else return k;
    }
  }
  return -1;
}

function nextLineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}
