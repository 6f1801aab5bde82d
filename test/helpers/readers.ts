import { newReader, type Reader } from '../../src/store/index.js';

const CREATED = new Date('2026-12-01T10:00:00.000Z');

/** A stored reader: active, no roles, created 2026-12-01 10:00 UTC, every other field empty. */
export function readerRecord(email: string, fields: Partial<Reader> = {}): Reader {
  return newReader(email, CREATED, fields);
}
