import { canonicalAddress } from '../address.js';
import { append } from '../append.js';
import type { Subscriber } from '../model/subscriber.js';
import { fileEntryHash, fileFieldHash, readerFieldTimes, writtenEntryHash, writtenRolesHash } from './fields.js';
import { entrySaysAsNoted, type RoleSpellings, rolesReadOtherwiseAsNoted, saysAsNoted } from './noted-roles.js';
import { isPaused, type StoreAudience, toSubscriberEntry } from './readers.js';
import {
  type NotedField,
  READER_FIELDS,
  type Reader,
  type ReaderField,
  type ReaderPatch,
  type SubscriberStore,
} from './types.js';

/**
 * A subscribers file with what readers set themselves in the store laid over it, and what a send
 * notes of the file for those fields.
 */
export interface Overlaid extends StoreAudience {
  /** Addresses in the file whose reader's own settings in the store won over it (see `overlayReaderChanges`). */
  overrides: number;
  /** Addresses in the file whose reader moved to a new address: mailed there, once. */
  moved: number;
  /** What the file says for fields readers set that no send had noted yet (see `noteFileFields`). */
  notes: FileFieldNote[];
  /**
   * Readers whose own roles were kept although the file gives them others: an earlier release's
   * note (without the file's text), a file and a roles.yaml both written since their choice, and
   * the file's roles reading as the noted ones one for one. A roles.yaml that split an alias out
   * and an editor who swapped a role look the same there, so the editor is told.
   */
  rolesReadOtherwise: RolesReadOtherwise[];
}

/** A reader kept on their own roles where the file may say its editor changed them (see `Overlaid`). */
export interface RolesReadOtherwise {
  /** The file's address for the entry. */
  email: string;
  /** The roles the file gives them, as today's roles.yaml reads them. */
  fileRoles: readonly string[];
  /** The roles they chose, which they are mailed. */
  readerRoles: readonly string[];
  /** The entry says the address left, and a reader who moved onto it is mailed there all the same. */
  movedOnto?: boolean;
}

/**
 * What the file says for a field its reader set at `at` (the reader's time for that field). With
 * `editorWon`, the file says something else than a send noted for that choice (its editor changed
 * it): the field is the file's from then on (until the reader sets it again), also if the editor
 * later writes back what it said before.
 */
export interface FileFieldNote {
  email: string;
  field: NotedField;
  at: string;
  said: string;
  /** For roles and `movedOnto`: the same as the file writes them (see `writtenRolesHash`). */
  written?: string | undefined;
  editorWon?: boolean;
  /**
   * With `editorWon`: what the file says for the field, stored in the reader's record so the
   * preferences page (which does not see the file) shows what they are mailed, not their old choice.
   */
  fileValue?: ReaderPatch | undefined;
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
  /** Today's `roles.yaml`: roles noted under a name that is now an alias are the same roles. */
  spellings?: RoleSpellings,
  /** Each entry's roles as the file writes them, by its canonical address (see `RoleTaxonomy.readsWritten`). */
  writtenRoles: (email: string) => readonly string[] | undefined = () => undefined,
  /**
   * Each entry's time zone as the file writes it, where it is read otherwise ("us/eastern", read as
   * America/New_York), by its canonical address: an earlier release noted it as written.
   */
  writtenZone: (email: string) => string | undefined = () => undefined,
  /**
   * When `roles.yaml` was last written. A note an earlier release made (without the file's text)
   * holds by the file's time only when roles.yaml was written since the choice: an unchanged file
   * reads otherwise only through a changed roles.yaml, while a changed file can carry an old time
   * (copied or restored keeping it, written where the clock is behind). Unknown: as if written since.
   */
  taxonomyWrittenAt?: Date,
  /**
   * Today's role names: with roles.yaml written since a reader's choice, a file whose roles read
   * as these one for one says what an earlier release's note (without the text) said.
   */
  knownRoles: readonly string[] = [],
  /**
   * The other ways each entry's roles text reads under a roles.yaml naming roles that hold a comma
   * ("Head of Sales, EMEA" one role), by its canonical address: a send that took it so noted that text.
   */
  writtenJoined: (email: string) => readonly (readonly string[])[] = () => [],
): Overlaid {
  const out: Subscriber[] = [];
  const notes: FileFieldNote[] = [];
  const rolesReadOtherwise: RolesReadOtherwise[] = [];
  let overrides = 0;
  let paused = 0;
  let moved = 0;
  const since = fileWrittenAt.toISOString();
  const rolesSince = taxonomyWrittenAt?.toISOString();
  // Not written since `at` while roles.yaml was: the only way the same text can read otherwise.
  const onlyRolesRewritten = (at: string) => at > since && (rolesSince === undefined || rolesSince > at);
  const rolesRewrittenSince = (at: string) => rolesSince === undefined || rolesSince > at;
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
    const asWritten = writtenRoles(address);
    const written = asWritten && writtenEntryHash(entry, asWritten);
    const noted = readers.get(address)?.fileFields?.movedOnto;
    if (noted?.at === at) {
      // The same text is the same entry, whatever roles.yaml made of its roles then and now.
      gives =
        (written !== undefined && noted.written === written) ||
        // The same text, noted as a roles.yaml then took a comma in it (see `writtenJoined`).
        (written !== undefined &&
          noted.written !== undefined &&
          writtenJoined(address).some((text) => writtenEntryHash(entry, text) === noted.written)) ||
        entrySaysAsNoted(entry, noted.said, spellings) ||
        // An earlier release's note has no text: a file not written since the move, under a roles.yaml
        // written since, says what it did then.
        (written !== undefined && noted.written === undefined && onlyRolesRewritten(at)) ||
        asNotedWithZone(entry, writtenZone(address), (asZoned) =>
          asWritten && noted.written !== undefined
            ? noted.written === writtenEntryHash(asZoned, asWritten)
            : entrySaysAsNoted(asZoned, noted.said, spellings),
        );
      // The same with the file written since (a fresh checkout): see the roles' note below; the
      // editor is told, since their swap of the entry's role reads the same.
      if (
        !gives &&
        written !== undefined &&
        noted.written === undefined &&
        rolesRewrittenSince(at) &&
        rolesReadOtherwiseAsNoted(entry, noted.said, knownRoles, fileEntryHash)
      ) {
        gives = true;
        const reader = readers.get(address);
        rolesReadOtherwise.push({
          email: address,
          fileRoles: [...entry.roles],
          readerRoles: [...(reader?.roles ?? [])],
          movedOnto: true,
        });
      }
      // Another text saying what was noted (an alias for the role) is noted as the text from now on.
      if (gives && written !== undefined && noted.written !== written)
        notes.push({ email: address, field: 'movedOnto', at, said: noted.said, written });
    } else {
      gives = at > since;
      if (gives) notes.push({ email: address, field: 'movedOnto', at, said, written });
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
    const asWritten = times.roles === undefined ? undefined : writtenRoles(email);
    const pending: FileFieldNote[] = [];
    const won: FileFieldNote[] = [];
    const newer = READER_FIELDS.filter((field) => {
      const at = times[field];
      if (at === undefined) return false;
      const said = fileFieldHash(subscriber, field);
      const written = field === 'roles' && asWritten ? writtenRolesHash(asWritten) : undefined;
      const noted = reader.fileFields?.[field];
      // Noted: the reader's until the file says something else there (the same text says the same,
      // whatever roles.yaml made of it then and now). Not noted yet: a file not written since the
      // choice still says what it said then.
      const asNoted =
        noted?.at === at &&
        ((written !== undefined && noted.written === written) ||
          // The same text, noted as a roles.yaml then took a comma in it (see `writtenJoined`).
          (written !== undefined &&
            noted.written !== undefined &&
            writtenJoined(email).some((text) => writtenRolesHash(text) === noted.written)) ||
          saysAsNoted(subscriber, field, noted.said, spellings) ||
          // Roles an earlier release noted without the file's text: a file not written since the
          // choice, so since the note, says what it said then, however a roles.yaml written since reads it.
          (written !== undefined && noted.written === undefined && onlyRolesRewritten(at)) ||
          (field === 'timezone' &&
            asNotedWithZone(subscriber, writtenZone(email), (asZoned) =>
              saysAsNoted(asZoned, field, noted.said, spellings),
            )));
      // The same with the file written since too (a fresh checkout gives every file a new time):
      // the same roles, some read as others one for one, are taken for roles.yaml's doing (an alias
      // split out), and the editor is told, since their swap of a role reads the same.
      const readOtherwise =
        noted?.at === at &&
        !asNoted &&
        written !== undefined &&
        noted.written === undefined &&
        rolesRewrittenSince(at) &&
        rolesReadOtherwiseAsNoted(subscriber, noted.said, knownRoles);
      if (readOtherwise)
        rolesReadOtherwise.push({ email, fileRoles: [...subscriber.roles], readerRoles: [...reader.roles] });
      const theirs = noted?.at === at ? asNoted || readOtherwise : at > since;
      if (theirs && noted?.at !== at) pending.push({ email: reader.email, field, at, said, written });
      // A note from before the text was noted gets it, while the file still says what was noted;
      // so does one whose file now writes the same roles another way (an alias): a later split of
      // that alias out of the role is then no change either.
      else if (theirs && written !== undefined && noted?.written !== written)
        pending.push({ email: reader.email, field, at, said: noted!.said, written });
      // The editor changed what a send noted: the file's, also once they write back the noted value.
      if (!theirs && noted?.at === at)
        won.push({ email: reader.email, field, at, said, editorWon: true, fileValue: fileValueOf(subscriber, field) });
      return theirs;
    });
    append(notes, pending);
    // A pause the reader chose lasts until its end, whatever file came since: a file has no pause,
    // so a newer one does not mean to end it (one that says they left leaves them out anyway).
    if (times.status !== undefined && isPaused(reader, now) && subscriber.status !== 'unsubscribed') {
      overrides++;
      paused++;
      continue;
    }
    append(notes, won);
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
  return { subscribers: out, overrides, paused, unconsented: 0, moved, notes, rolesReadOtherwise };
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
      const readerFields = { ...readerFieldTimes(reader) };
      let changed = false;
      const handedBack: string[] = [];
      let fileValues: ReaderPatch = {};
      for (const note of own) {
        // Only while the choice it was read for is still the reader's latest for that field.
        if (times[note.field] !== note.at) continue;
        if (note.editorWon && note.field !== 'movedOnto') {
          delete readerFields[note.field];
          delete fileFields[note.field];
          handedBack.push(note.field);
          fileValues = { ...fileValues, ...note.fileValue };
        } else if (
          fileFields[note.field]?.at !== note.at ||
          (note.written && fileFields[note.field]?.written !== note.written)
        )
          fileFields[note.field] = note.written
            ? { at: note.at, said: note.said, written: note.written }
            : { at: note.at, said: note.said };
        else continue;
        changed = true;
      }
      if (!changed) continue;
      await store.update(email, handedBack.length ? { ...fileValues, fileFields, readerFields } : { fileFields }, now);
      if (handedBack.length)
        await store.audit({
          email,
          at: now.toISOString(),
          page: 'send',
          change: `${handedBack.join(', ')}: the subscribers file's from now on (its editor changed it)`,
        });
    }
  });
}

/**
 * What the file says for `field`, as the reader's record holds it. A status is left as stored: a
 * file has no pause, and an unsubscribe stays on the suppression list whatever the file says.
 */
function fileValueOf(file: Subscriber, field: ReaderField): ReaderPatch | undefined {
  if (field === 'status') return undefined;
  if (field === 'roles') return { roles: [...file.roles] };
  return { [field]: file[field] ?? null };
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

/**
 * Whether the entry with its time zone as the file writes it (`zone`, where that is read otherwise)
 * says what was noted: a send before the zone was read so noted the text, which is no change.
 */
function asNotedWithZone(entry: Subscriber, zone: string | undefined, says: (entry: Subscriber) => boolean): boolean {
  return zone !== undefined && says({ ...entry, timezone: zone });
}
