import { createHash } from 'node:crypto';
import type { Subscriber } from '../model/subscriber.js';
import { roleKey } from '../roles/role-key.js';
import { type FileFieldValues, READER_FIELDS, type Reader, type ReaderField, type ReaderFieldTimes } from './types.js';

/**
 * When each field was last the reader's own choice. A record from before these times were kept
 * reads as that release treated it: every field it holds, and the status, from its last change;
 * a field it left unset was never the reader's.
 */
export function readerFieldTimes(reader: Reader): ReaderFieldTimes {
  if (reader.readerFields) return reader.readerFields;
  const at = reader.readerChangedAt;
  if (!at) return {};
  const times: ReaderFieldTimes = { status: at };
  if (reader.roles.length) times.roles = at;
  for (const key of ['name', 'firstName', 'timezone', 'locale'] as const) if (reader[key] !== null) times[key] = at;
  return times;
}

/** The reader's field times with `fields` now set by them at `at` (what a patch stores). */
export function stampFields(reader: Reader, fields: Iterable<ReaderField>, at: string): ReaderFieldTimes {
  const times = { ...readerFieldTimes(reader) };
  for (const field of fields) times[field] = at;
  return times;
}

/** Field times as stored (JSON text): unknown keys and values that are not times are dropped. */
export function parseFieldTimes(text: string | null | undefined): ReaderFieldTimes | null {
  const value = storedObject(text);
  if (!value) return null;
  const times: ReaderFieldTimes = {};
  for (const field of READER_FIELDS) {
    const at = value[field];
    if (typeof at === 'string') times[field] = at;
  }
  return times;
}

/** Noted file values as stored (JSON text): unknown fields and malformed entries are dropped. */
export function parseFileFields(text: string | null | undefined): FileFieldValues | null {
  const value = storedObject(text);
  if (!value) return null;
  const noted: FileFieldValues = {};
  for (const field of [...READER_FIELDS, 'movedOnto'] as const) {
    const entry = value[field] as { at?: unknown; said?: unknown } | undefined;
    if (typeof entry?.at !== 'string' || typeof entry.said !== 'string') continue;
    const written = (entry as { written?: unknown }).written;
    noted[field] =
      typeof written === 'string' ? { at: entry.at, said: entry.said, written } : { at: entry.at, said: entry.said };
  }
  return noted;
}

/** A JSON object stored as text; null for no text, text that is not JSON, or JSON that is not an object. */
function storedObject(text: string | null | undefined): Record<string, unknown> | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/**
 * A short hash of what a subscribers-file entry says for `field`, for noting it without keeping
 * another copy of the reader's details. Roles in any order are the same roles.
 */
export function fileFieldHash(entry: Subscriber, field: ReaderField): string {
  const value =
    field === 'roles'
      ? [...entry.roles].sort()
      : field === 'status'
        ? (entry.status ?? 'active')
        : (entry[field] ?? null);
  return createHash('sha256')
    .update(JSON.stringify([field, value]))
    .digest('base64url')
    .slice(0, 22);
}

/** A short hash of a whole subscribers-file entry, but for its address (see `fileFieldHash`). */
export function fileEntryHash(entry: Subscriber): string {
  return createHash('sha256')
    .update(READER_FIELDS.map((field) => fileFieldHash(entry, field)).join(' '))
    .digest('base64url')
    .slice(0, 22);
}

/**
 * A short hash of roles as a subscribers file writes them, before `roles.yaml` reads them: in any
 * order, case and spacing (as the taxonomy matches them), so the same text hashes the same whatever
 * the taxonomy made of it then or makes of it now (an alias split out into a role of its own).
 */
export function writtenRolesHash(written: readonly string[]): string {
  const keys = [...new Set(written.map(roleKey))].sort();
  return createHash('sha256')
    .update(JSON.stringify(['roles as written', keys]))
    .digest('base64url')
    .slice(0, 22);
}

/** `fileEntryHash` with the roles as the file writes them (see `writtenRolesHash`). */
export function writtenEntryHash(entry: Subscriber, written: readonly string[]): string {
  return createHash('sha256')
    .update(`${fileEntryHash({ ...entry, roles: [] })} ${writtenRolesHash(written)}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * What a confirmed signup makes the reader's own: what the form gave (a blank left there is not a
 * choice), what they set on the page while it waited, and their status.
 */
export function signupFields(reader: Reader): ReaderField[] {
  const fields = new Set<ReaderField>(Object.keys(reader.readerFields ?? {}) as ReaderField[]);
  fields.add('status');
  if (reader.roles.length) fields.add('roles');
  for (const key of ['name', 'firstName', 'timezone', 'locale'] as const) if (reader[key] !== null) fields.add(key);
  return [...fields];
}
