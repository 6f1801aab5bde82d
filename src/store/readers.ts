import { canonicalAddress } from '../address.js';
import { toOneLine } from '../model/_fields.js';
import type { Subscriber } from '../model/subscriber.js';
import { mailAddress, newReader, writtenForm } from './rows.js';
import type { Reader, ReaderPatch, SubscriberStore } from './types.js';

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
            writtenEmail: writtenForm(email, subscriber.email),
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
          // The list makes a reader of a record the preferences page kept: mailed as the list spells it.
          const written = writtenForm(email, subscriber.email);
          if ((written ?? email) !== mailAddress(stored)) consent.writtenEmail = written;
          await store.update(email, consent, options.now);
          await store.audit({ email, at, page: 'import', change: consentChange });
          counts.updated++;
        } else counts.existing++;
        continue;
      }
      const patch: ReaderPatch = activates ? { ...consent, confirmNonce: null, pendingEmail: null } : { ...consent };
      const wanted = fieldsOf(subscriber);
      // The list's spelling of the address (its case) is the editor's word too.
      const written = writtenForm(email, subscriber.email);
      if ((written ?? email) !== mailAddress(stored)) patch.writtenEmail = written;
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
    email: mailAddress(reader),
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
