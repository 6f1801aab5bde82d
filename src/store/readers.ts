import { canonicalAddress } from '../address.js';
import { toOneLine } from '../model/_fields.js';
import type { Subscriber } from '../model/subscriber.js';
import { fileEntryHash, fileFieldHash, readerFieldTimes } from './fields.js';
import { newReader } from './rows.js';
import {
  type NotedField,
  READER_FIELDS,
  type Reader,
  type ReaderField,
  type ReaderPatch,
  type SubscriberStore,
} from './types.js';

/**
 * The store's rules, written once against the `SubscriberStore` contract: imports that never
 * bring back someone who left, exports in the subscribers-file format, and the list a send reads.
 */

export interface ImportOptions {
  /** Merge into readers already stored (by address); without it they are left as they are. */
  update: boolean;
  isSuppressed: (email: string) => boolean;
  /** Erased by `subscribers forget`: never stored in plain again (its hashed suppression keeps it out). */
  isErased?: (email: string) => boolean;
  /**
   * Addresses a reader moved away from, each to the one they moved to (see `SubscriberStore.rename`):
   * an older list that still names one is not made a second reader, which would mail them twice,
   * and one it says left unsubscribes the reader where they are now.
   */
  moved?: ReadonlyMap<string, string>;
  now: Date;
  /** Recorded as the consent's wording: the file the readers came from. */
  source: string;
}

export interface ImportCounts {
  added: number;
  updated: number;
  unchanged: number;
  /** Stored already and left alone (no --update). */
  existing: number;
  /** Listed as active but kept unsubscribed (or suppressed): an import never re-activates anyone. */
  keptOut: number;
  /** Erased addresses in the list, left out of the store. */
  erased: number /** Addresses whose reader moved to a new one, left out. */;
  moved: number;
}

export async function importReaders(
  store: SubscriberStore,
  subscribers: readonly Subscriber[],
  options: ImportOptions,
): Promise<ImportCounts> {
  const counts: ImportCounts = { added: 0, updated: 0, unchanged: 0, existing: 0, keptOut: 0, erased: 0, moved: 0 };
  const at = options.now.toISOString();
  await store.transaction(async () => {
    for (const subscriber of subscribers) {
      const email = canonicalAddress(subscriber.email);
      const stored = await store.get(email);
      const suppressed = options.isSuppressed(email);
      if (!stored && options.isErased?.(email)) {
        counts.erased++;
        continue;
      }
      // A record at the old address is a reader's own again only with consent: one its older
      // page made after the move (see preferences) is still the moved reader's.
      const movedTo = stored?.consent ? undefined : options.moved?.get(email);
      if (movedTo !== undefined) {
        counts.moved++;
        if (subscriber.status === 'unsubscribed') await unsubscribeMoved(store, movedTo, options);
        continue;
      }
      if (!stored) {
        const leaving = subscriber.status === 'unsubscribed' || suppressed;
        if (suppressed && subscriber.status !== 'unsubscribed') counts.keptOut++;
        await store.insert(
          newReader(email, options.now, {
            ...fieldsOf(subscriber),
            status: leaving ? 'unsubscribed' : 'active',
            consent: { at, method: 'import', wording: options.source },
          }),
        );
        await store.audit({ email, at, page: 'import', change: `added from ${options.source}` });
        counts.added++;
        continue;
      }
      // A stored reader with no consent record (kept by the preferences page, see storeAudience), or
      // a signup not confirmed yet (which the purge would delete): a list that names them is the
      // editor's word that they are readers, recorded as consent, as for an address new to the store.
      const activates = stored.status === 'pending' && subscriber.status !== 'unsubscribed' && !suppressed;
      // Recorded consent makes a reader of that record: one the list says left is stored as
      // unsubscribed, as an address new to the store would be, with or without --update.
      const leaves = !stored.consent && subscriber.status === 'unsubscribed' && stored.status !== 'bounced';
      const consent: ReaderPatch =
        stored.consent && !activates
          ? {}
          : {
              consent: { at, method: 'import', wording: options.source },
              ...(activates ? { status: 'active' as const, confirmedAt: at } : {}),
              ...(leaves ? { status: 'unsubscribed' as const, pausedUntil: null } : {}),
            };
      const consentChange = consent.consent
        ? [
            `${activates ? 'unconfirmed signup made active' : 'consent recorded'} from ${options.source}`,
            leaves ? describe(stored, { status: consent.status }) : '',
          ]
            .filter(Boolean)
            .join('; ')
        : '';
      // An activated signup takes the list's fields too: what the unconfirmed form held was typed by
      // whoever had the address, and the list is the editor's word (as for a new address).
      if (!options.update && !activates) {
        if (consent.consent) {
          await store.update(email, consent, options.now);
          await store.audit({ email, at, page: 'import', change: consentChange });
          counts.updated++;
        } else counts.existing++;
        continue;
      }
      const patch: ReaderPatch = activates ? { ...consent, confirmNonce: null, pendingEmail: null } : { ...consent };
      const wanted = fieldsOf(subscriber);
      for (const key of ['name', 'firstName', 'timezone', 'locale'] as const)
        if (wanted[key] !== null && wanted[key] !== stored[key]) patch[key] = wanted[key];
      if (subscriber.roles.length && subscriber.roles.join('\n') !== stored.roles.join('\n'))
        patch.roles = wanted.roles;
      const gone = stored.status === 'unsubscribed' || stored.status === 'bounced' || suppressed;
      if (subscriber.status === 'unsubscribed' && stored.status !== 'unsubscribed' && stored.status !== 'bounced')
        patch.status = 'unsubscribed';
      else if (subscriber.status === 'active' && gone) counts.keptOut++;
      const changed = describe(stored, patch) || consentChange;
      if (!changed) {
        counts.unchanged++;
        continue;
      }
      await store.update(email, patch, options.now);
      await store.audit({ email, at, page: 'import', change: changed });
      counts.updated++;
    }
  });
  return counts;
}

/** The reader at `email`, which a listed address moved to, unsubscribed as the list says the old one is. */
async function unsubscribeMoved(store: SubscriberStore, email: string, options: ImportOptions): Promise<void> {
  const reader = await store.get(email);
  if (!reader || reader.status === 'unsubscribed' || reader.status === 'bounced') return;
  const patch: ReaderPatch = { status: 'unsubscribed', pausedUntil: null };
  await store.update(email, patch, options.now);
  const change = `${describe(reader, patch)} (an earlier address, from ${options.source})`;
  await store.audit({ email, at: options.now.toISOString(), page: 'import', change });
}

function fieldsOf(subscriber: Subscriber) {
  return {
    name: subscriber.name ?? null,
    firstName: subscriber.firstName ?? null,
    roles: [...subscriber.roles],
    timezone: subscriber.timezone ?? null,
    locale: subscriber.locale ?? null,
  };
}

/** `roles: CTO → CTO, Executive; status: active → paused`, or '' when nothing changes. */
export function describe(before: Reader, patch: ReaderPatch): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof ReaderPatch, unknown][]) {
    if (
      key === 'confirmNonce' ||
      key === 'readerChangedAt' ||
      key === 'readerFields' ||
      key === 'fileFields' ||
      key === 'consent' ||
      value === undefined
    )
      continue;
    const old = (before as unknown as Record<string, unknown>)[key];
    const shown = (v: unknown) => (Array.isArray(v) ? v.join(', ') || '(none)' : v === null ? '(none)' : String(v));
    if (shown(old) !== shown(value)) parts.push(`${key}: ${shown(old)} → ${shown(value)}`);
  }
  return parts.join('; ');
}

/** A reader as a subscribers-file entry; pending readers are left out by the caller. */
export function toSubscriberEntry(reader: Reader): Subscriber {
  // A name stored before the reader pages refused line breaks would fail every send, and the export.
  const name = reader.name && toOneLine(reader.name);
  const firstName = reader.firstName && toOneLine(reader.firstName);
  return {
    email: reader.email,
    ...(name ? { name } : {}),
    ...(firstName ? { firstName } : {}),
    roles: reader.roles,
    ...(reader.timezone ? { timezone: reader.timezone } : {}),
    ...(reader.locale ? { locale: reader.locale } : {}),
    status: reader.status === 'unsubscribed' || reader.status === 'bounced' ? 'unsubscribed' : 'active',
  };
}

export interface ExportedReaders {
  subscribers: Subscriber[];
  /** Readers without recorded consent, left out as a send from the store leaves them out. */
  unconsented: number;
  /** Paused readers, written as active: a subscribers file has no pause. */
  paused: number;
}

/**
 * The store as a subscribers file. A reader on the suppression list (complained, bounced,
 * unsubscribed by link) is written as unsubscribed, whatever the store says: the file may be
 * sent with another state file, whose suppression list does not know them. Pending signups and
 * records nobody consented to (see storeAudience) are left out: the file makes readers of them.
 */
export async function exportReaders(
  store: SubscriberStore,
  isSuppressed: (email: string) => boolean = () => false,
  now: Date = new Date(),
): Promise<ExportedReaders> {
  const out: ExportedReaders = { subscribers: [], unconsented: 0, paused: 0 };
  for (const reader of await store.list()) {
    if (reader.status === 'pending') continue;
    const left = reader.status === 'unsubscribed' || reader.status === 'bounced' || isSuppressed(reader.email);
    if (reader.consent === null && !left) {
      out.unconsented++;
      continue;
    }
    if (!left && isPaused(reader, now)) out.paused++;
    const entry = toSubscriberEntry(reader);
    out.subscribers.push(left ? { ...entry, status: 'unsubscribed' } : entry);
  }
  return out;
}

export function isPaused(reader: Reader, now: Date): boolean {
  return reader.status === 'paused' && (reader.pausedUntil === null || reader.pausedUntil > now.toISOString());
}

export interface StoreAudience {
  subscribers: Subscriber[];
  /** Readers left out because they paused their subscription. */
  paused: number;
  /** Stored readers with no recorded consent, left out (see storeAudience); 0 with a subscribers file. */
  unconsented: number;
}

/**
 * Who a send reads from the store: confirmed readers, paused ones set aside, leavers kept as
 * unsubscribed. A reader with no recorded consent is left out: the preferences page makes such a
 * record when an address the store does not hold saves its settings (a reader of a subscribers
 * file, or an address that moved away or was removed), and only a signup, an import or
 * `subscribers add` makes someone a reader of the store's own list.
 */
export function storeAudience(readers: readonly Reader[], now: Date): StoreAudience {
  const subscribers: Subscriber[] = [];
  let paused = 0;
  let unconsented = 0;
  for (const reader of readers) {
    if (reader.status === 'pending') continue;
    if (reader.consent === null && reader.status !== 'unsubscribed' && reader.status !== 'bounced') {
      unconsented++;
      continue;
    }
    if (isPaused(reader, now)) {
      paused++;
      continue;
    }
    subscribers.push(toSubscriberEntry(reader));
  }
  return { subscribers, paused, unconsented };
}

export interface Overlaid extends StoreAudience {
  /** Addresses in the file whose reader's own settings in the store won over it (see `overlayReaderChanges`). */
  overrides: number;
  /** Addresses in the file whose reader moved to a new address: mailed there, once. */
  moved: number;
  /** What the file says for fields readers set that no send had noted yet (see `noteFileFields`). */
  notes: FileFieldNote[];
}

/** What the file says for a field its reader set at `at` (the reader's time for that field). */
export interface FileFieldNote {
  email: string;
  field: NotedField;
  at: string;
  said: string;
}

/**
 * With a subscribers file: what a reader set themselves in the store (roles, pause, unsubscribe,
 * name, zone, locale) wins over the file for that field until the file's editor changes that
 * field; every other field is the file's. Whether the editor changed it is known from what the file
 * said when a send first read it after the reader's choice (noted, see `noteFileFields`); until
 * one has, from the file's time: written after the choice, the file wins. A blank the reader chose
 * (a name cleared, every role unticked) stays blank. An address its reader moved away from (see
 * `SubscriberStore.rename`) is mailed at the new one, with that record's fields; once, also when
 * the file lists the new address too (its own entry is the one used).
 */
export function overlayReaderChanges(
  subscribers: Iterable<Subscriber>,
  readers: ReadonlyMap<string, Reader>,
  fileWrittenAt: Date,
  now: Date,
  moves: ReadonlyMap<string, string> = new Map(),
  /**
   * When a reader last confirmed a move to each address: an entry of the file that says such an
   * address left gives way to the moved reader's when the file is older than that confirmation.
   */
  movedInAt: ReadonlyMap<string, string> = new Map(),
): Overlaid {
  const out: Subscriber[] = [];
  const notes: FileFieldNote[] = [];
  let overrides = 0;
  let paused = 0;
  let moved = 0;
  const since = fileWrittenAt.toISOString();
  const listed = listedOf(subscribers, new Set(moves.values()));
  // The file says the address left, but a reader confirmed a move there since: that was someone
  // before them (their own unsubscribe there is on the suppression list), so their entry is used.
  // As for a field, a send notes what the entry said then, so only its editor changing it (not
  // another write of the file) makes it the file's again.
  const gave = new Map<string, boolean>();
  const givesWay = (address: string): boolean => {
    const entry = listed.get(address);
    const at = movedInAt.get(address);
    if (entry?.status !== 'unsubscribed' || at === undefined) return false;
    let gives = gave.get(address);
    if (gives !== undefined) return gives;
    const said = fileEntryHash(entry);
    const noted = readers.get(address)?.fileFields?.movedOnto;
    if (noted?.at === at) gives = noted.said === said;
    else {
      gives = at > since;
      if (gives) notes.push({ email: address, field: 'movedOnto', at, said });
    }
    gave.set(address, gives);
    return gives;
  };
  const reached = new Set<string>();
  for (const listedEntry of subscribers) {
    const email = canonicalAddress(listedEntry.email);
    const movedTo = moves.get(email);
    let subscriber = listedEntry;
    if (movedTo === undefined && givesWay(email)) continue;
    if (movedTo !== undefined) {
      moved++;
      // The file's own entry for the new address is used instead, unless that address's first
      // reader moved away from it too (its entry goes where they went), or it gives way (above).
      if ((listed.has(movedTo) && !moves.has(movedTo) && !givesWay(movedTo)) || reached.has(movedTo)) continue;
      reached.add(movedTo);
      subscriber = { ...listedEntry, email: movedTo };
    }
    const reader = readers.get(movedTo ?? email);
    if (!reader || reader.status === 'pending') {
      out.push(subscriber);
      continue;
    }
    const times = readerFieldTimes(reader);
    const newer = READER_FIELDS.filter((field) => {
      const at = times[field];
      if (at === undefined) return false;
      const said = fileFieldHash(subscriber, field);
      const noted = reader.fileFields?.[field];
      if (noted?.at === at) return noted.said === said;
      // Not noted yet: a file not written since the choice still says what it said then.
      const theirs = at > since;
      if (theirs) notes.push({ email: reader.email, field, at, said });
      return theirs;
    });
    // A pause the reader chose lasts until its end, whatever file came since: a file has no pause,
    // so a newer one does not mean to end it (one that says they left leaves them out anyway).
    if (times.status !== undefined && isPaused(reader, now) && subscriber.status !== 'unsubscribed') {
      overrides++;
      paused++;
      continue;
    }
    if (newer.length === 0) {
      out.push(subscriber);
      continue;
    }
    // Someone the file says left is not brought back by a settings page saved without them
    // confirming again (an old preferences link): only a double opt-in since the file does that.
    if (
      subscriber.status === 'unsubscribed' &&
      reader.status !== 'unsubscribed' &&
      !(reader.confirmedAt && reader.confirmedAt > since)
    ) {
      out.push(subscriber);
      continue;
    }
    overrides++;
    out.push(withReaderFields(subscriber, toSubscriberEntry(reader), newer));
  }
  return { subscribers: out, overrides, paused, unconsented: 0, moved, notes };
}

/**
 * Stores what `overlayReaderChanges` found the file saying for fields no send had noted yet, each
 * only while the reader's choice it was read for is still their latest for that field.
 */
export async function noteFileFields(store: SubscriberStore, notes: readonly FileFieldNote[], now: Date) {
  const byReader = new Map<string, FileFieldNote[]>();
  for (const note of notes) byReader.set(note.email, [...(byReader.get(note.email) ?? []), note]);
  await store.transaction(async () => {
    // A note on the address a reader moved onto holds for their latest move there.
    const movedInAt = new Map<string, string>();
    if (notes.some((note) => note.field === 'movedOnto'))
      for (const move of await store.moves())
        if (move.at > (movedInAt.get(move.movedTo) ?? '')) movedInAt.set(move.movedTo, move.at);
    for (const [email, own] of byReader) {
      const reader = await store.get(email);
      if (!reader) continue;
      const times: Partial<Record<NotedField, string>> = {
        ...readerFieldTimes(reader),
        movedOnto: movedInAt.get(email),
      };
      const fileFields = { ...reader.fileFields };
      let changed = false;
      for (const note of own) {
        if (times[note.field] !== note.at || fileFields[note.field]?.at === note.at) continue;
        fileFields[note.field] = { at: note.at, said: note.said };
        changed = true;
      }
      if (changed) await store.update(email, { fileFields }, now);
    }
  });
}

/** Which of `addresses` the file lists, with its entry for each (read only when a reader moved). */
function listedOf(subscribers: Iterable<Subscriber>, addresses: ReadonlySet<string>): Map<string, Subscriber> {
  const listed = new Map<string, Subscriber>();
  if (addresses.size === 0) return listed;
  for (const subscriber of subscribers) {
    const email = canonicalAddress(subscriber.email);
    // The first entry is the one the file's loader keeps.
    if (addresses.has(email) && !listed.has(email)) listed.set(email, subscriber);
  }
  return listed;
}

/** The file's entry with the reader's own value of each of `fields`; a value they cleared is cleared. */
function withReaderFields(file: Subscriber, own: Subscriber, fields: readonly ReaderField[]): Subscriber {
  const merged: Subscriber = { ...file };
  for (const field of fields) {
    if (field === 'status') merged.status = own.status;
    else if (field === 'roles') merged.roles = own.roles;
    else if (own[field] === undefined) delete merged[field];
    else merged[field] = own[field];
  }
  return merged;
}
