import { closeSync, openSync, readSync } from 'node:fs';
import { type LogRead, logPage } from './wal-check.js';

/**
 * Which state file a write-ahead log was written for. SQLite lays any log it finds beside a file
 * over that file's pages, with no way to tell a log of another database (a `-wal` copied with the
 * wrong file, a state folder put together from two copies): every page the log holds then reads
 * as the other file's (a suppression or a "sent" row gone without a word), and the first command
 * that closes it writes that into the file for good. Every state file holds an id of its own (state_generation, see
 * generation.ts) that no write changes, and each record written rewrites the page holding it, so
 * the id the file's own pages give and the id its pages with the log laid over them give differ
 * only for another database's log. Both are read from the bytes, before SQLite opens anything.
 * The same row, through the log, says how far the file's own pages had got when the log went on
 * (markLogBase): a file behind that is an earlier copy of itself put back beside a later log.
 */

/** The two ids, when the log would give the file another one. */
export interface ForeignLog {
  kind: 'foreign';
  fileId: string;
  logId: string;
}

/**
 * The file's own pages behind the state its log was written after: an earlier copy of the file
 * put back with a later log beside it. `fileAt` is how far the file's own pages got (its counter
 * and mark), `logAfter` how far the file had got when the log went on (see markLogBase in
 * state/sqlite/generation.ts).
 */
export interface OlderFile {
  kind: 'older';
  fileAt: number;
  logAfter: number;
}

/**
 * The file's own pages past every state its log holds: a log of an earlier run put back beside the
 * file after later runs wrote it on (a backup of the -wal alone, a state folder put together from
 * two copies). Every write raises the count in the page the log copies, and the file's pages are
 * only ever the log's, copied in, so a log of this file never reads behind the file's own pages.
 * `logAt` is undefined when the log's pages hold no id row at all (written before the file had one).
 */
export interface NewerFile {
  kind: 'newer';
  fileAt: number;
  logAt: number | undefined;
}

export type LogMismatch = ForeignLog | OlderFile | NewerFile;

/** Why a log cannot be laid over the file beside it; undefined when it can (or nothing tells). */
export function logMismatch(path: string, wal: string, log: LogRead): LogMismatch | undefined {
  let file: number;
  try {
    file = openSync(path, 'r');
  } catch {
    return undefined;
  }
  let walFd: number | undefined;
  try {
    walFd = openSync(wal, 'r');
    const pageSize = databasePageSize(file);
    // A log of another page size is one SQLite does not replay over this file.
    if (pageSize !== log.pageSize) return undefined;
    const own = (page: number) => readPage(file, pageSize, page);
    const fd = walFd;
    const logged = (page: number) => {
      const offset = log.pages.get(page);
      return offset === undefined ? own(page) : logPage(fd, log, offset);
    };
    const fileRow = generationRow(own);
    const logRow = generationRow(logged);
    // A file of a release before the id row: a log whose row says the file's pages held one is later.
    if (!fileRow) return logRow && logRow.base > 0 ? { kind: 'older', fileAt: 0, logAfter: logRow.base } : undefined;
    if (!logRow) return { kind: 'newer', fileAt: fileRow.at, logAt: undefined };
    if (fileRow.id !== logRow.id) return { kind: 'foreign', fileId: fileRow.id, logId: logRow.id };
    if (logRow.at < fileRow.at) return { kind: 'newer', fileAt: fileRow.at, logAt: logRow.at };
    return logRow.base > fileRow.at ? { kind: 'older', fileAt: fileRow.at, logAfter: logRow.base } : undefined;
  } catch {
    // A file or log that cannot be read so (changing under a writer, not SQLite at all) gets no
    // verdict here: the checks SQLite's open runs name what is wrong with it.
    return undefined;
  } finally {
    closeSync(file);
    if (walFd !== undefined) closeSync(walFd);
  }
}

type PageRead = (page: number) => Buffer | undefined;

class Unreadable extends Error {}

function databasePageSize(fd: number): number {
  const header = Buffer.alloc(100);
  if (readSync(fd, header, 0, 100, 0) < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0')
    throw new Unreadable();
  const size = header.readUInt16BE(16);
  return size === 1 ? 65536 : size;
}

function readPage(fd: number, pageSize: number, page: number): Buffer | undefined {
  const bytes = Buffer.alloc(pageSize);
  return readSync(fd, bytes, 0, pageSize, (page - 1) * pageSize) === pageSize ? bytes : undefined;
}

/** What the file's id row holds (read from its pages): its id, how far it got, and the log's base. */
interface GenerationRow {
  id: string;
  /** The counter and the mark together: every write of any table raises it. */
  at: number;
  /** How far the file's own pages had got when the log went on; 0 when never recorded. */
  base: number;
}

/** state_generation's row, found through the schema table; undefined when there is none. */
function generationRow(read: PageRead): GenerationRow | undefined {
  const first = read(1);
  if (!first) throw new Unreadable();
  const usable = first.length - first[20]!;
  let table: { root: number; columns: string[] } | undefined;
  for (const payload of leafPayloads(read, 1, usable)) {
    const [type, name, , rootpage, sql] = fields(payload, 5);
    if (type === 'table' && name === 'state_generation' && typeof rootpage === 'number' && typeof sql === 'string')
      table = { root: rootpage, columns: columnNames(sql) };
  }
  if (!table) return undefined;
  for (const payload of leafPayloads(read, table.root, usable)) {
    const values = fields(payload, table.columns.length);
    // Columns added after the row was written read as their default (0) until the row is rewritten.
    const value = (column: string) => {
      const v = values[table.columns.indexOf(column)];
      return typeof v === 'number' ? v : 0;
    };
    const [id] = values;
    if (typeof id !== 'string') return undefined;
    return { id, at: value('counter') + value('log_mark'), base: value('log_base') };
  }
  return undefined;
}

/**
 * The column names of a CREATE TABLE statement as SQLite keeps it (with any ADD COLUMN appended after
 * its table constraints), in the order of the row's values: split on the commas between definitions
 * only, not those inside parentheses (a CHECK, a DEFAULT), quotes or comments, with constraints left out.
 */
function columnNames(sql: string): string[] {
  const open = sql.indexOf('(');
  const close = sql.lastIndexOf(')');
  if (open < 0 || close < open) throw new Unreadable();
  return definitions(sql.slice(open + 1, close))
    .map(firstName)
    .filter((name): name is string => name !== undefined);
}

const CLOSING: Record<string, string> = { "'": "'", '"': '"', '`': '`', '[': ']' };
const TABLE_CONSTRAINT = /^(constraint|primary|unique|check|foreign)$/i;

/** The definitions between the parentheses of a CREATE TABLE, as text. */
function definitions(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let at = 0; at < body.length; at++) {
    const c = body[at]!;
    const closing = CLOSING[c];
    if (closing) {
      const end = body.indexOf(closing, at + 1);
      if (end < 0) throw new Unreadable();
      at = end;
    } else if (c === '-' && body[at + 1] === '-') {
      const end = body.indexOf('\n', at);
      at = end < 0 ? body.length : end;
    } else if (c === '/' && body[at + 1] === '*') {
      const end = body.indexOf('*/', at + 2);
      at = end < 0 ? body.length : end + 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(from, at));
      from = at + 1;
    }
  }
  parts.push(body.slice(from));
  return parts;
}

/** A column definition's name; undefined for a table constraint. */
function firstName(definition: string): string | undefined {
  const text = definition.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim();
  const closing = CLOSING[text[0] ?? ''];
  if (closing) {
    // A quote is escaped by doubling it: "a""b" is the name a"b.
    let at = 1;
    let name = '';
    for (;;) {
      const end = text.indexOf(closing, at);
      if (end < 0) throw new Unreadable();
      name += text.slice(at, end);
      if (closing === ']' || text[end + 1] !== closing) return name;
      name += closing;
      at = end + 2;
    }
  }
  const word = text.split(/\s+/)[0]!;
  return TABLE_CONSTRAINT.test(word) ? undefined : word;
}

/** The local part of each row's record of a table's b-tree (https://www.sqlite.org/fileformat2.html). */
function* leafPayloads(read: PageRead, root: number, usable: number): Generator<Buffer> {
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const number = stack.pop()!;
    if (seen.has(number) || seen.size > 10_000) throw new Unreadable();
    seen.add(number);
    const page = read(number);
    if (!page) throw new Unreadable();
    const start = number === 1 ? 100 : 0;
    const cells = page.readUInt16BE(start + 3);
    const kind = page[start];
    if (kind === 0x05) {
      stack.push(page.readUInt32BE(start + 8));
      for (let i = 0; i < cells; i++) stack.push(page.readUInt32BE(page.readUInt16BE(start + 12 + 2 * i)));
    } else if (kind === 0x0d) {
      for (let i = 0; i < cells; i++) yield cellPayload(page, page.readUInt16BE(start + 8 + 2 * i), usable);
    } else throw new Unreadable();
  }
}

function cellPayload(page: Buffer, offset: number, usable: number): Buffer {
  const [size, sizeBytes] = varint(page, offset);
  const [, rowidBytes] = varint(page, offset + sizeBytes);
  const start = offset + sizeBytes + rowidBytes;
  // A record longer than a page keeps only its start here, the rest on overflow pages.
  const most = usable - 35;
  const least = Math.floor(((usable - 12) * 32) / 255) - 23;
  const spill = least + ((size - least) % (usable - 4));
  const local = size <= most ? size : spill <= most ? spill : least;
  return page.subarray(start, start + local);
}

/** The first `count` values of a record: text, integers, null; blobs and reals as null. */
function fields(record: Buffer, count: number): (string | number | null)[] {
  const [headerSize, headerBytes] = varint(record, 0);
  const values: (string | number | null)[] = [];
  let at = headerBytes;
  let body = headerSize;
  while (at < headerSize && values.length < count) {
    const [type, typeBytes] = varint(record, at);
    at += typeBytes;
    const size = serialSize(type);
    if (body + size > record.length) throw new Unreadable();
    values.push(fieldValue(record, body, type, size));
    body += size;
  }
  return values;
}

const INTEGER_BYTES = [0, 1, 2, 3, 4, 6, 8, 8];

function serialSize(type: number): number {
  if (type < 8) return INTEGER_BYTES[type]!;
  if (type === 8 || type === 9) return 0;
  if (type < 12) throw new Unreadable();
  return type % 2 === 0 ? (type - 12) / 2 : (type - 13) / 2;
}

function fieldValue(record: Buffer, at: number, type: number, size: number): string | number | null {
  if (type === 8 || type === 9) return type - 8;
  if (type >= 13 && type % 2 === 1) return record.toString('utf8', at, at + size);
  if (type >= 1 && type <= 5) return record.readIntBE(at, size);
  if (type === 6) return Number(record.readBigInt64BE(at));
  return null;
}

function varint(bytes: Buffer, at: number): [value: number, length: number] {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) throw new Unreadable();
    value = value * 128 + (byte & 0x7f);
    if (byte < 0x80) return [value, i + 1];
  }
  const last = bytes[at + 8];
  if (last === undefined) throw new Unreadable();
  return [value * 256 + last, 9];
}
