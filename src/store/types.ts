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
  /** Canonical form (see canonicalAddress): the key duplicates, suppressions and the ledger compare on. */
  email: string;
  /**
   * The address as the reader or the editor's list wrote it (NFC, ASCII domain), which mail goes to:
   * a local part is case-sensitive (RFC 5321), so `John.Smith@` is not mailed at `john.smith@`.
   * Null or absent on records stored before it was kept, and after a move: mailed at `email`.
   */
  writtenEmail?: string | null;
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
  /**
   * When the reader last set each field themselves (preferences page, signup), so a subscribers
   * file keeps the fields they never touched. Null on records from before it was kept (see fields.ts).
   */
  readerFields: ReaderFieldTimes | null;
  /**
   * What a subscribers file said for a field the reader set, as a send first read it after they set
   * it (see `overlayReaderChanges`): the file then wins that field again only once its editor
   * changes it, not on any write of the file. Null until a send noted one.
   */
  fileFields: FileFieldValues | null;
  consent: Consent | null;
  /** A new address waiting for its confirmation. */
  pendingEmail: string | null;
  /** The one confirmation token that is still valid (single use). */
  confirmNonce: string | null;
}

/** The fields a reader sets themselves; `status` stands for pause, resume and unsubscribe. */
export const READER_FIELDS = ['name', 'firstName', 'roles', 'timezone', 'locale', 'status'] as const;
export type ReaderField = (typeof READER_FIELDS)[number];
export type ReaderFieldTimes = Partial<Record<ReaderField, string>>;

/** What the file said for a field (`said`, a hash), noted for the reader's choice made at `at`. */
export interface FileFieldValue {
  at: string;
  said: string;
  /**
   * For roles (and `movedOnto`), the same as the file writes them, before `roles.yaml` reads them
   * (see `writtenRolesHash`): the same text is no change of the file, whatever the taxonomy does.
   * Notes from before it was kept have none.
   */
  written?: string;
}
/**
 * Besides the reader's fields, `movedOnto`: the file's entry for the address the reader moved onto,
 * which said it left (someone before them), noted for their move there at `at`.
 */
export type NotedField = ReaderField | 'movedOnto';
export type FileFieldValues = Partial<Record<NotedField, FileFieldValue>>;

/** An address a reader moved away from on the preferences page, confirmed at the new one. */
export interface AddressMove {
  /** The old address (canonical). */
  email: string;
  /** Where the reader's record is now (canonical): moves are followed one step, never on (see `rename`). */
  movedTo: string;
  at: string;
  /**
   * Where the latest reader to leave the address is now: its first (`movedTo`), or one who moved
   * there since and left again (a mailbox handed on). Null once that reader was removed.
   */
  latestMovedTo: string | null;
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

/**
 * Every operation is asynchronous, so a networked backend (PostgreSQL) implements the same
 * contract; the SQLite driver answers at once.
 */
export interface SubscriberStore {
  get(email: string): Promise<Reader | undefined>;
  list(query?: ReaderQuery): Promise<Reader[]>;
  /** Inserts a new reader; throws when the address is already stored. */
  insert(reader: Omit<Reader, 'updatedAt'> & { updatedAt?: string }): Promise<void>;
  /** Changes a stored reader; false when there is none. */
  update(email: string, patch: ReaderPatch, now: Date): Promise<boolean>;
  /**
   * Moves a reader (and their audit log) to a new address and records the move, so a subscribers
   * file that still lists the old one reaches them at the new one; false when the new one is taken.
   * Earlier moves to the old address follow on to the new one; a move already recorded from the old
   * address (its first reader's) is kept.
   */
  rename(from: string, to: string, now: Date): Promise<boolean>;
  /** Every recorded move, oldest first. */
  moves(): Promise<AddressMove[]>;
  /** Deletes the reader, and the moves to or from the address (a file then reaches the address it lists). */
  remove(email: string): Promise<boolean>;
  /**
   * Deletes only the reader's record, keeping the address's moves and audit log: a record that left
   * (or never confirmed) which a confirmed address move takes the place of.
   */
  discard(email: string): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
  auditOf(email: string): Promise<AuditEntry[]>;
  /** Deletes pending signups created before `before`; returns how many. */
  purgePending(before: Date): Promise<number>;
  /**
   * Erasure: deletes everything stored about the address (reader, audit log, moves to or from it,
   * ledger rows, a plain suppression) and keeps only a hashed suppression, so it is never mailed again. Returns whether
   * a reader was stored.
   */
  forget(email: string, now: Date): Promise<boolean>;
  /**
   * Takes the address's own unsubscribe (see `ownUnsubscribeWhere`) off the suppression list, for a
   * confirmed signup of it, when it is dated no later than `since` (the unsubscribe the link was
   * checked against); false when there is none. An unsubscribe of the reader's since dates the entry
   * anew, and is never lifted by a link made before it. Inside `transaction`, so the reader made
   * active again and the unsubscribe lifted are stored together, or neither is.
   */
  liftOwnUnsubscribe(email: string, since: string): Promise<boolean>;
  /**
   * Runs `work` as one transaction: all of its writes are stored, or none. `work` uses only this
   * store's operations in between (no other I/O), so a driver may run it on one connection.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
}
