import { randomBytes } from 'node:crypto';
import { createCache } from '../../render/_cache.js';
import { VARIANT_FIELDS } from '../../render/_personal.js';
import type { PersonalFields, VariantTemplate } from '../../render/types.js';
import { encodeText, foldHeader, formatAddress, formatDate, type MimeAddress } from '../mime.js';
import { encodePiece, encodePieces } from './qp.js';

/**
 * A reader's message as a list of byte ranges: the headers (written per reader), then the body
 * pieces, most of them encoded once per variant and shared by every reader of it. Ready for the
 * wire as it is: CRLF line breaks, no line starting with "." (see qp.ts), 7-bit body.
 */
export interface WirePayload {
  /** Header fields, each already folded (CRLF inside), in message order. */
  headers: readonly string[];
  /** The body, from the first boundary to the closing one. */
  body: readonly Buffer[];
  /** Pieces of `body` that belong to one reader; the others are the variant's and can be cached. */
  own: ReadonlySet<Buffer>;
}

/** The whole message as one buffer: for transports that take bytes (the outbox, nodemailer). */
export function payloadBytes(payload: WirePayload): Buffer {
  return Buffer.concat([headBytes(payload.headers), ...payload.body]);
}

export function headBytes(headers: readonly string[]): Buffer {
  return Buffer.from(headText(headers), 'utf8');
}

/** The header block with the blank line that ends it. */
export function headText(headers: readonly string[]): string {
  return `${headers.join('\r\n')}\r\n\r\n`;
}

/**
 * A reader's slot: an HTML field (`field`), or a text line with fields (`line`, filled, then
 * wrapped). `memoKey` and `memoBytes` keep the previous reader's value: fields most readers share
 * (the date line, the archive link) are then filled, wrapped and encoded once, not once per reader.
 * One shape for both kinds, so the walk over a message's slots stays monomorphic.
 */
interface Slot {
  field: string | undefined;
  line: readonly string[] | undefined;
  fields: readonly string[];
  first: boolean;
  last: boolean;
  memoKey: string | undefined;
  memoBytes: Buffer;
}
type Piece = Buffer | Slot;

/** One variant in one language, encoded once. */
interface PreparedVariant {
  subjectHeader: string;
  contentType: string;
  /** The whole body in order, from the first boundary to the closing one; no empty buffer. */
  pieces: Piece[];
  /** Messages built from it since it was prepared (or last cooled). */
  uses: number;
  /** `pieces` with each run of buffers joined into one: for a role set many readers get. */
  joined: Piece[] | undefined;
}

const prepared = new WeakMap<VariantTemplate, PreparedVariant>();

/**
 * A boundary per prepared body: random per process, then counted. Drawing random bytes for each
 * of thousands of role sets cost more than the rest of their headers.
 */
const boundaryPrefix = randomBytes(12).toString('base64url');
let boundaries = 0;
function nextBoundary(): string {
  boundaries++;
  return `=_rc_${boundaryPrefix}${boundaries.toString(36)}`;
}

function slot(field: string | undefined, line: readonly string[] | undefined, first: boolean, last: boolean): Slot {
  // A slot belongs to one variant: a field with one value per variant never changes its key.
  const fields = line ? line.filter((name, k) => k % 2 === 1 && !VARIANT_FIELDS.has(name)) : NO_FIELDS;
  return { field, line, fields, first, last, memoKey: undefined, memoBytes: EMPTY };
}

const NO_FIELDS: readonly string[] = [];

/**
 * Fields whose value is the same for readers of every variant (the send time in tracked links,
 * mostly the date line): encoded once into a buffer all variants share, not once per variant.
 */
const SHARED_FIELDS = new Set(['sentAt', 'dateLine']);
const sharedValues = createCache<string, Buffer>(64);

function sharedValue(text: string, last: boolean): Buffer {
  const key = `${last ? 'l' : 'o'}${text}`;
  let found = sharedValues.get(key);
  if (!found) {
    found = encodePiece(text, last);
    sharedValues.set(key, found);
  }
  return found;
}

function prepare(template: VariantTemplate, values: Readonly<Record<string, string>>): PreparedVariant {
  let found = prepared.get(template);
  if (found) return found;
  const variantValue = new Map<string, Buffer>();
  const encodedVariantValue = (name: string, last: boolean): Buffer => {
    if (last) return encodePiece(template.escapeHtml(values[name] ?? ''), true);
    let bytes = variantValue.get(name);
    if (!bytes) {
      bytes = encodePiece(template.escapeHtml(values[name] ?? ''), false);
      variantValue.set(name, bytes);
    }
    return bytes;
  };
  // "=_" never occurs in quoted-printable output, so the boundary cannot appear in a part.
  const boundary = nextBoundary();
  const partHeader = (type: string) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const pieces: Piece[] = [Buffer.from(partHeader('text/plain'), 'latin1')];
  template.text.forEach((piece, i) => {
    const last = i === template.text.length - 1;
    if (typeof piece !== 'string') {
      pieces.push(slot(undefined, piece, i === 0, last));
      return;
    }
    // The line break before a piece starts a line, so the piece encodes as it would on its own:
    // a run of lines other variants share is encoded once for all of them.
    if (i > 0) pieces.push(CRLF);
    pushChunks(pieces, [piece], last);
  });
  pieces.push(Buffer.from(`\r\n${partHeader('text/html')}`, 'latin1'));
  // From the chunks when there are some: the variant's joined HTML is never read (nor made).
  const chunks = template.htmlChunks;
  const html = chunks ? undefined : template.html;
  const count = chunks ? chunks.length : html!.length;
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    if (i % 2 === 1) {
      const field = chunks ? chunks[i]![0]! : html![i]!;
      // Written in now: a role set's signed click value stands in each tracked link, and would
      // otherwise be a slot per link per message. (A text line keeps it as a field: its wrapping is
      // worked out once per line for every role set, which a line of the role set's own would lose.)
      const fixed = VARIANT_FIELDS.has(field);
      pieces.push(fixed ? encodedVariantValue(field, last) : slot(field, undefined, false, last));
    } else if (html) pieces.push(encodePiece(html[i]!, last));
    else pushChunks(pieces, chunks![i]!, last);
  }
  pieces.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'));
  found = {
    subjectHeader: foldHeader('Subject', encodeText(template.subject)),
    contentType: foldHeader('Content-Type', `multipart/alternative; boundary="${boundary}"`),
    // An empty piece adds nothing to any message: left out once here, not skipped per reader.
    pieces: pieces.filter((piece) => !Buffer.isBuffer(piece) || piece.length > 0),
    uses: 0,
    joined: undefined,
  };
  prepared.set(template, found);
  return found;
}

/**
 * Pieces variants share (HTML segments, runs of text lines), encoded: keyed by the piece, so a card
 * or section that many role sets show is encoded once for all of them, and a variant's prepared body
 * is a list of references (its concatenated HTML is never flattened or encoded whole). Each piece
 * ends on a line break (a soft one mid-line), so pieces join into valid quoted-printable in any order.
 */
const encodedChunks = createCache<string, Buffer>(4000);
const SHORT_CHUNK = 160;

function pushChunks(pieces: Piece[], chunks: readonly string[], last: boolean): void {
  let end = chunks.length;
  while (end > 0 && !chunks[end - 1]) end--;
  for (let k = 0; k < end; k++) {
    const chunk = chunks[k]!;
    if (!chunk) continue;
    // The very end of the part is encoded without a trailing break, as a whole part would be.
    if (last && k === end - 1) {
      pieces.push(encodePiece(chunk, true));
      continue;
    }
    // A short chunk (a role set's own line between shared text) is encoded in less time than a
    // lookup, and kept it would push shared pieces out of the cache.
    if (chunk.length < SHORT_CHUNK) {
      pieces.push(encodePiece(chunk, false));
      continue;
    }
    let found = encodedChunks.get(chunk);
    if (!found) {
      found = encodePiece(chunk, false);
      encodedChunks.set(chunk, found);
    }
    pieces.push(found);
  }
}

/**
 * A role set's body is a list of shared pieces (memory and encoding grow with pieces, not role
 * sets), but every piece is a step per message. A role set that keeps being sent gets its runs of
 * pieces joined into one buffer each; at most HOT_LIMIT of them at a time, so a list where nearly
 * every reader has a role set of their own holds no joined copies beyond that.
 */
const HOT_AFTER = 16;
const HOT_LIMIT = 64;
const hot: PreparedVariant[] = [];

/**
 * Drops a variant's prepared body once its last message of the run is built: what only one role
 * set shows is then not held to the end of the send. Only a cache: a later message of the variant
 * would prepare it again.
 */
export function releasePrepared(template: VariantTemplate): void {
  const found = prepared.get(template);
  if (!found) return;
  prepared.delete(template);
  const at = hot.indexOf(found);
  if (at >= 0) hot.splice(at, 1);
}

function piecesOf(variant: PreparedVariant): Piece[] {
  if (variant.joined) return variant.joined;
  if (++variant.uses < HOT_AFTER) return variant.pieces;
  variant.joined = joinRuns(variant.pieces);
  hot.push(variant);
  if (hot.length > HOT_LIMIT) {
    const cooled = hot.shift()!;
    cooled.joined = undefined;
    cooled.uses = 0;
  }
  return variant.joined;
}

function joinRuns(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  let run: Buffer[] = [];
  const flush = () => {
    if (run.length > 1) out.push(Buffer.concat(run));
    else if (run.length === 1) out.push(run[0]!);
    run = [];
  };
  for (const piece of pieces) {
    if (Buffer.isBuffer(piece)) run.push(piece);
    else {
      flush();
      out.push(piece);
    }
  }
  flush();
  return out;
}

/** Header fields the same for every message of a run, each folded once (see message.ts). */
export interface FixedHeaders {
  from: string;
  replyTo: string | undefined;
  /** After MIME-Version, before List-Unsubscribe: List-Id. */
  listId: string;
}

export interface WireMessage {
  fixed: FixedHeaders;
  to: MimeAddress;
  messageId: string;
  date: Date;
  /** The List-Unsubscribe value, already in list form (see listValue). */
  listUnsubscribe: string;
  /** Whether List-Unsubscribe-Post offers RFC 8058 one-click. */
  oneClick: boolean;
}

const ONE_CLICK = 'List-Unsubscribe-Post: List-Unsubscribe=One-Click';

/**
 * The same message buildMime writes for `template.personalise(fields)`, header for header and part
 * for part once decoded, but with only the reader's own fields encoded here, all of them into one
 * buffer.
 */
export function buildPayload(template: VariantTemplate, fields: PersonalFields, message: WireMessage): WirePayload {
  const values = template.values(fields);
  const variant = prepare(template, values);
  const pieces = piecesOf(variant);
  const body: Buffer[] = [];
  // Slots whose value changed since the previous reader: encoded together after the walk.
  const fresh: { text: string; last: boolean }[] = [];
  const freshAt: { index: number; slot: Slot; key: string }[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (Buffer.isBuffer(piece)) {
      body.push(piece);
      continue;
    }
    const field = piece.field;
    const key = field !== undefined ? (values[field] ?? '') : lineKey(piece.fields, values);
    if (piece.memoKey === key) {
      if (piece.memoBytes.length) body.push(piece.memoBytes);
      continue;
    }
    if (field !== undefined && SHARED_FIELDS.has(field)) {
      const bytes = key ? sharedValue(template.escapeHtml(key), piece.last) : EMPTY;
      piece.memoKey = key;
      piece.memoBytes = bytes;
      if (bytes.length) body.push(bytes);
      continue;
    }
    const text =
      field !== undefined
        ? template.escapeHtml(key)
        : `${piece.first ? '' : '\n'}${template.fillTextLine(piece.line!, values)}`;
    if (!text) continue;
    fresh.push({ text, last: piece.last });
    freshAt.push({ index: body.length, slot: piece, key });
    body.push(EMPTY);
  }
  const own = new Set<Buffer>();
  if (fresh.length) {
    const encoded = encodePieces(fresh);
    for (let k = 0; k < encoded.length; k++) {
      const { index, slot, key } = freshAt[k]!;
      const bytes = encoded[k]!;
      body[index] = bytes;
      own.add(bytes);
      slot.memoKey = key;
      slot.memoBytes = bytes;
    }
  }
  const { fixed } = message;
  const headers = [fixed.from, foldHeader('To', formatAddress(message.to))];
  if (fixed.replyTo) headers.push(fixed.replyTo);
  headers.push(
    variant.subjectHeader,
    foldHeader('Message-ID', message.messageId),
    `Date: ${formatDate(message.date)}`,
    'MIME-Version: 1.0',
    fixed.listId,
    foldHeader('List-Unsubscribe', message.listUnsubscribe),
  );
  if (message.oneClick) headers.push(ONE_CLICK);
  headers.push(variant.contentType);
  return { headers, body, own };
}

/** What a text line's filled form depends on: its fields' values. */
function lineKey(fields: readonly string[], values: Readonly<Record<string, string>>): string {
  if (fields.length === 1) return values[fields[0]!] ?? '';
  // Each value after its length: no two lists of values give the same key.
  let key = '';
  for (const field of fields) {
    const value = values[field] ?? '';
    key += `${value.length}:${value}`;
  }
  return key;
}

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n', 'latin1');
