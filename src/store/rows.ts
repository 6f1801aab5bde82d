/**
 * The `readers` row ↔ `Reader` mapping both drivers share: the columns are the same on SQLite and
 * PostgreSQL (roles as JSON text, times as ISO text), so only the SQL around them differs.
 */
import { canonicalAddress, envelopeAddress } from '../address.js';
import { parseFieldTimes, parseFileFields } from './fields.js';
import type { ConsentMethod, Reader, ReaderPatch, ReaderStatus, SubscriberStore } from './types.js';

export interface ReaderRow {
  email: string;
  /** Absent from a file an older release wrote and nothing migrated since; null on rows stored before it. */
  written_email?: string | null;
  name: string | null;
  first_name: string | null;
  roles: string;
  timezone: string | null;
  locale: string | null;
  status: ReaderStatus;
  paused_until: string | null;
  created_at: string;
  confirmed_at: string | null;
  updated_at: string;
  reader_changed_at: string | null;
  /** JSON of `ReaderFieldTimes`; absent from a file an older release wrote and nothing migrated since. */
  reader_fields?: string | null;
  /** JSON of `FileFieldValues`; absent from a file an older release wrote and nothing migrated since. */
  file_fields?: string | null;
  consent_at: string | null;
  consent_method: ConsentMethod | null;
  consent_wording: string | null;
  pending_email: string | null;
  confirm_nonce: string | null;
}

/** Reader field → column; consent spreads over three columns (see `patchColumns`). */
const COLUMNS: Record<Exclude<keyof ReaderPatch, 'consent'>, keyof ReaderRow> = {
  name: 'name',
  firstName: 'first_name',
  roles: 'roles',
  timezone: 'timezone',
  locale: 'locale',
  status: 'status',
  pausedUntil: 'paused_until',
  confirmedAt: 'confirmed_at',
  readerChangedAt: 'reader_changed_at',
  readerFields: 'reader_fields',
  fileFields: 'file_fields',
  writtenEmail: 'written_email',
  pendingEmail: 'pending_email',
  confirmNonce: 'confirm_nonce',
};

export function toReader(row: ReaderRow): Reader {
  return {
    email: row.email,
    ...(row.written_email ? { writtenEmail: row.written_email } : {}),
    name: row.name,
    firstName: row.first_name,
    roles: parseRoles(row.roles),
    timezone: row.timezone,
    locale: row.locale,
    status: row.status,
    pausedUntil: row.paused_until,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    updatedAt: row.updated_at,
    readerChangedAt: row.reader_changed_at,
    readerFields: parseFieldTimes(row.reader_fields),
    fileFields: parseFileFields(row.file_fields),
    consent:
      row.consent_at && row.consent_method
        ? { at: row.consent_at, method: row.consent_method, wording: row.consent_wording }
        : null,
    pendingEmail: row.pending_email,
    confirmNonce: row.confirm_nonce,
  };
}

function parseRoles(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/** A reader first stored at `now`: active, no roles, nothing confirmed, consented or pending; `fields` set the rest. */
export function newReader(email: string, now: Date, fields: Partial<Reader> = {}): Reader {
  const at = now.toISOString();
  return {
    email,
    name: null,
    firstName: null,
    roles: [],
    timezone: null,
    locale: null,
    status: 'active',
    pausedUntil: null,
    createdAt: at,
    confirmedAt: null,
    updatedAt: at,
    readerChangedAt: null,
    readerFields: null,
    fileFields: null,
    consent: null,
    pendingEmail: null,
    confirmNonce: null,
    ...fields,
  };
}

/** The columns an insert writes, in the order of `insertValues`. */
export const INSERT_COLUMNS = `email, name, first_name, roles, timezone, locale, status, paused_until, created_at,
  confirmed_at, updated_at, reader_changed_at, reader_fields, file_fields, consent_at, consent_method, consent_wording, pending_email, confirm_nonce,
  written_email`;

/** The values of a new reader's row, in the order of `INSERT_COLUMNS`. */
export function insertValues(reader: Parameters<SubscriberStore['insert']>[0]): unknown[] {
  return [
    canonicalAddress(reader.email),
    reader.name,
    reader.firstName,
    JSON.stringify(reader.roles),
    reader.timezone,
    reader.locale,
    reader.status,
    reader.pausedUntil,
    reader.createdAt,
    reader.confirmedAt,
    reader.updatedAt ?? reader.createdAt,
    reader.readerChangedAt,
    reader.readerFields ? JSON.stringify(reader.readerFields) : null,
    reader.fileFields ? JSON.stringify(reader.fileFields) : null,
    reader.consent?.at ?? null,
    reader.consent?.method ?? null,
    reader.consent?.wording ?? null,
    reader.pendingEmail,
    reader.confirmNonce,
    writtenForm(reader.email, reader.writtenEmail),
  ];
}

/**
 * The address to keep as written for the record at `email`: only a spelling of that same key (its
 * case, its Unicode form), so a record can never be mailed at another reader's address.
 */
export function writtenForm(email: string, written: string | null | undefined): string | null {
  if (!written) return null;
  const form = envelopeAddress(written);
  return canonicalAddress(form) === canonicalAddress(email) && form !== canonicalAddress(email) ? form : null;
}

/** Where a stored reader is mailed: the address as written when it is kept, else the key. */
export function mailAddress(reader: Pick<Reader, 'email' | 'writtenEmail'>): string {
  return writtenForm(reader.email, reader.writtenEmail) ?? reader.email;
}

/** Fields stored as JSON text. */
const jsonColumns = new Set<keyof ReaderPatch>(['roles', 'readerFields', 'fileFields']);
const json = (field: keyof ReaderPatch, value: unknown) =>
  field === 'roles' ? JSON.stringify(value ?? []) : value == null ? null : JSON.stringify(value);

/** The column and value each field of a patch sets; absent (undefined) fields are left out. */
export function patchColumns(patch: ReaderPatch): [column: string, value: unknown][] {
  const sets: [string, unknown][] = [];
  for (const [field, value] of Object.entries(patch) as [keyof ReaderPatch, unknown][]) {
    if (value === undefined) continue;
    if (field === 'consent') {
      const consent = value as Reader['consent'];
      sets.push(
        ['consent_at', consent?.at ?? null],
        ['consent_method', consent?.method ?? null],
        ['consent_wording', consent?.wording ?? null],
      );
      continue;
    }
    const column = COLUMNS[field];
    if (column) sets.push([column, jsonColumns.has(field) ? json(field, value) : (value ?? null)]);
  }
  return sets;
}
