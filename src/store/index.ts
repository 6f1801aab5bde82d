/** The subscriber store: one contract, a SQLite driver in the state file, and the rules on top. */

export { readerFieldTimes, signupFields, stampFields } from './fields.js';
export { HASHED_PREFIX, hashedAddress, isHashedKey } from './hash.js';
export { type RoleSpellings, roleSpellingsOf } from './noted-roles.js';
export {
  type OpenStore,
  openSubscriberStore,
  readStoredReaders,
  readStoredSubscribers,
  type StoredSubscribers,
} from './open.js';
export { type LocatedStore, openSubscriberStoreAt } from './open-location.js';
export {
  type FileFieldNote,
  noteFileFields,
  type Overlaid,
  overlayReaderChanges,
  type RolesReadOtherwise,
} from './overlay.js';
export { migrateSubscriberStorePg, postgresSubscriberStore, SUBSCRIBER_MIGRATIONS } from './postgres.js';
export {
  describe as describeChange,
  exportReaders,
  type ImportCounts,
  type ImportOptions,
  importReaders,
  isPaused,
  type StoreAudience,
  storeAudience,
  toSubscriberEntry,
} from './readers.js';
export { mailAddress, newReader, writtenForm } from './rows.js';
export { hasSubscriberStore, migrateSubscriberStore, STORE_SCHEMA_VERSION, sqliteSubscriberStore } from './sqlite.js';
export {
  type AddressMove,
  type AuditEntry,
  CONSENT_METHODS,
  type Consent,
  type ConsentMethod,
  READER_FIELDS,
  READER_STATUSES,
  type Reader,
  type ReaderField,
  type ReaderFieldTimes,
  type ReaderPatch,
  type ReaderQuery,
  type ReaderStatus,
  type SubscriberStore,
} from './types.js';
