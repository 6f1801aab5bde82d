import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RolecastError } from '../errors.js';

/**
 * Where bounces are read from: one `.eml` file, an mbox file (messages each starting with a
 * `From ` line, `>From ` unescaped), a Maildir (messages in `cur/` and `new/`), or a folder of any
 * of these. Files are read one at a time, so a large archive costs one message's memory at a time
 * plus the file being split.
 */

export interface MailboxMessage {
  /** `file` or `file#3` (the third message of an mbox), for the person reading the summary. */
  origin: string;
  raw: Buffer;
}

/** Bigger files are refused: a bounce mailbox this large should be split or rotated first. */
export const MAX_MAILBOX_BYTES = 512 * 1024 * 1024;

export function* readMailbox(path: string): Generator<MailboxMessage> {
  const stat = statOf(path);
  if (stat.isDirectory()) {
    yield* readFolder(path, new Set());
    return;
  }
  yield* readFile(path);
}

/** `seen`: the folders read so far, by their real path; a link back up the tree is read once, not until the path is too long. */
function* readFolder(dir: string, seen: Set<string>): Generator<MailboxMessage> {
  const real = realpathSync(dir);
  if (seen.has(real)) return;
  seen.add(real);
  if (isMaildir(dir)) {
    for (const sub of ['cur', 'new'])
      for (const name of sortedEntries(join(dir, sub)))
        if (!name.startsWith('.')) yield* readFile(join(dir, sub, name), true);
    return;
  }
  for (const name of sortedEntries(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const stat = statOf(path);
    if (stat.isDirectory()) yield* readFolder(path, seen);
    else if (stat.isFile()) yield* readFile(path);
  }
}

function* readFile(path: string, single = false): Generator<MailboxMessage> {
  const stat = statOf(path);
  if (!stat.isFile()) return;
  if (stat.size > MAX_MAILBOX_BYTES)
    throw new RolecastError('E_INVALID', `${path} is larger than ${MAX_MAILBOX_BYTES / 1024 / 1024} MB`, {
      hint: 'split the mailbox (or import its Maildir) and import the parts',
    });
  const raw = readFileSync(path);
  if (!single && isMbox(raw)) {
    let index = 0;
    for (const message of splitMbox(raw)) yield { origin: `${path}#${++index}`, raw: message };
    return;
  }
  yield { origin: path, raw };
}

export function isMaildir(dir: string): boolean {
  const sub = (name: string) => {
    try {
      return statSync(join(dir, name)).isDirectory();
    } catch {
      return false;
    }
  };
  return sub('cur') && sub('new');
}

/**
 * A `From ` line first, after any byte order mark or blank lines (a mailbox joined from others, or
 * saved by a Windows editor): read as one message, every report after the first would be lost.
 */
function isMbox(raw: Buffer): boolean {
  return /^(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)*From /.test(raw.subarray(0, 4096).toString('latin1'));
}

/** mboxrd/mboxo: a `From ` line at the start of a line begins a message; `>From ` is unescaped once. */
export function* splitMbox(raw: Buffer): Generator<Buffer> {
  // One message at a time: a mailbox of hundreds of megabytes is not held a second time as its
  // messages, only as the text they are cut from.
  const whole = raw.toString('latin1');
  // Without its byte order mark, the first `From ` line starts a line.
  const text = whole.startsWith('\xef\xbb\xbf') ? whole.slice(3) : whole;
  const pattern = /^From [^\r\n]*\r?\n/gm;
  let start = pattern.exec(text);
  while (start) {
    const from = start.index + start[0].length;
    const next = pattern.exec(text);
    const to = next ? next.index : text.length;
    yield Buffer.from(text.slice(from, to).replace(/^>(>*From )/gm, '$1'), 'latin1');
    start = next;
  }
}

function sortedEntries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (cause) {
    throw notFound(dir, cause);
  }
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch (cause) {
    throw notFound(path, cause);
  }
}

function notFound(path: string, cause: unknown): RolecastError {
  return new RolecastError('E_NOT_FOUND', `${basename(path)} could not be read (${path})`, {
    hint: 'pass an .eml file, an mbox file, a Maildir or a folder of them',
    cause,
  });
}
