import type { Reader } from '../../src/store/index.js';

const CREATED = '2026-12-01T10:00:00.000Z';

/** A stored reader: active, no roles, created 2026-12-01 10:00 UTC, every other field empty. */
export function readerRecord(email: string, fields: Partial<Reader> = {}): Reader {
  return {
    email,
    name: null,
    firstName: null,
    roles: [],
    timezone: null,
    locale: null,
    status: 'active',
    pausedUntil: null,
    createdAt: CREATED,
    confirmedAt: null,
    updatedAt: CREATED,
    readerChangedAt: null,
    consent: null,
    pendingEmail: null,
    confirmNonce: null,
    ...fields,
  };
}
