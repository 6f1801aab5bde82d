/**
 * The subscriber store's contract. Stages take a `SubscriberStore` and never see SQL; the SQLite
 * driver (sqlite.ts) is the default, and another backend implements the same interface.
 */

export const READER_STATUSES = ['pending', 'active', 'paused', 'unsubscribed', 'bounced'] as const;
export type ReaderStatus = (typeof READER_STATUSES)[number];

/** How consent was given: an import, the signup form, the JSON API, or the editor on the command line. */
export const CONSENT_METHODS = ['import', 'form', 'api', 'cli'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export interface Consent {
  at: string;
  method: ConsentMethod;
  /** The version of the form's wording the reader agreed to (signup form), or the file imported. */
  wording: string | null;
}

export interface Reader {
  /** Canonical form (see canonicalAddress). */
  email: string;
  name: string | null;
  firstName: string | null;
  roles: string[];
  timezone: string | null;
  locale: string | null;
  status: ReaderStatus;
  /** With status `paused`: the first instant the reader gets mail again. */
  pausedUntil: string | null;
  createdAt: string;
  confirmedAt: string | null;
  updatedAt: string;
  /** The last change the reader made themselves (preferences, confirmation, unsubscribe). */
  readerChangedAt: string | null;
  consent: Consent | null;
  /** A new address waiting for its confirmation. */
  pendingEmail: string | null;
  /** The one confirmation token that is still valid (single use). */
  confirmNonce: string | null;
}

/** The fields a write may set; absent fields are left as they are. */
export type ReaderPatch = Partial<Omit<Reader, 'email' | 'createdAt' | 'updatedAt'>>;

export interface AuditEntry {
  email: string;
  at: string;
  /** Where the change came from: `preferences`, `confirm`, `subscribe`, `cli`, `import`. */
  page: string;
  /** What changed, for people: `roles: CTO → CTO, Executive`. */
  change: string;
}

export interface ReaderQuery {
  role?: string | undefined;
  status?: ReaderStatus | undefined;
}

export interface SubscriberStore {
  get(email: string): Reader | undefined;
  list(query?: ReaderQuery): Reader[];
  /** Inserts a new reader; throws when the address is already stored. */
  insert(reader: Omit<Reader, 'updatedAt'> & { updatedAt?: string }): void;
  /** Changes a stored reader; false when there is none. */
  update(email: string, patch: ReaderPatch, now: Date): boolean;
  /** Moves a reader to a new address (after it was confirmed); false when the new one is taken. */
  rename(from: string, to: string, now: Date): boolean;
  remove(email: string): boolean;
  audit(entry: AuditEntry): void;
  auditOf(email: string): AuditEntry[];
  /** Deletes pending signups created before `before`; returns how many. */
  purgePending(before: Date): number;
  /**
   * Erasure: deletes everything stored about the address (reader, audit log, ledger rows, a plain
   * suppression) and keeps only a hashed suppression, so it is never mailed again. Returns whether
   * a reader was stored.
   */
  forget(email: string, now: Date): boolean;
  /** Runs `work` as one transaction: all of it is stored, or none. */
  transaction<T>(work: () => T): T;
}
