import { lstatSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { canonicalAddress } from '../address.js';
import { damagedJournalError, journalFiles, journalLocations } from './journal.js';
import {
  type JournalTail,
  journaledReason,
  journalTailDamage,
  journalTailEmpty,
  readJournalTail,
} from './journal-tail.js';
import { lastChange, listedFolder } from './listed-folder.js';
import { linkHops } from './state-file.js';

/**
 * Addresses (canonical) whose unsubscribe waits in the journal of `stateFile`, or in a copy a replay
 * set aside and has not committed, not yet applied: a send looks before every message it hands
 * over, and pages that show whether a reader is subscribed count them as unsubscribed.
 *
 * Each look stats the folders that hold the state path and the links it leads through, and lists
 * one again only when it may have changed (see listed-folder.ts): a journal made, set aside or
 * removed, or a link pointed elsewhere, is seen at the next look. A journal found is read again
 * only when its size, time or inode moved, as appending to it moves no folder, and then only its
 * new end when it grew (see journal-tail.ts).
 *
 * A damaged line whose reader cannot be told (its check failed, or no address reads in it) counts
 * every address-like string in it as unsubscribed; with `stopOnDamage` (a send, whose next message
 * may be to the reader it named) each look throws instead, naming the journal and the line.
 */
export function journaledAddresses(
  stateFile: string,
  options: { stopOnDamage?: boolean } = {},
): (email: string) => string | undefined {
  const listings = new Map<string, () => readonly string[]>();
  // Each folder is looked at once a look: a folder listed again sends the look to find the journals
  // anew, which would otherwise stat and list it a second time (every look, for a tick after a change).
  const thisLook = new Map<string, readonly string[]>();
  const namesIn = (folder: string) => {
    const seenNow = thisLook.get(folder);
    if (seenNow) return seenNow;
    let list = listings.get(folder);
    if (!list) {
      list = listedFolder(folder);
      listings.set(folder, list);
    }
    const names = list();
    thisLook.set(folder, names);
    return names;
  };
  // Where the journals are, found again when a folder on the link path was listed again.
  let folders: string[] = [];
  let listed: (readonly string[])[] = [];
  // With each file, the listing of its folder under which a stat last found it missing.
  let files: { file: string; folder: string; missingUnder?: readonly string[] | undefined }[] = [];
  let seen = '';
  // Whether what was read holds until a journal's size, timestamps or inode number move: not while
  // they lie within a tick of their clock of the read, or were first seen less than a tick before
  // it, when another file (given a freed inode's number) or other lines of the same length may have
  // taken its place leaving them as they were.
  let settled = true;
  let firstSeenAt = Number.NEGATIVE_INFINITY;
  // Each journal file as read so far: a file that only grew is read from where the last look stopped.
  let tails = new Map<string, JournalTail>();
  let damage: Error | undefined;
  const locate = () => {
    const hops = linkHops(stateFile);
    folders = [...new Set(hops.map((hop) => dirname(hop)))];
    listed = folders.map(namesIn);
    const names = new Map(folders.map((folder, i) => [folder, listed[i]!]));
    // Copies set aside only when the listing holds them: one made since moves its folder, and is
    // then listed. The journals themselves are looked at whatever the listing says (a stat each),
    // so one is seen even while the folder cannot be listed.
    const journals = journalLocations(stateFile, hops.at(-1));
    files = journalFiles(journals, (folder) => names.get(folder) ?? [])
      .filter((file) => journals.includes(file) || names.get(dirname(file))?.includes(basename(file)))
      .map((file) => ({ file, folder: dirname(file) }));
  };
  return (email) => {
    thisLook.clear();
    // The same listing hands back the same array: any other means the folder was listed again.
    if (folders.length === 0 || folders.some((folder, i) => namesIn(folder) !== listed[i])) locate();
    let signature = '';
    const present: string[] = [];
    const wall = Date.now();
    const since = performance.now();
    let changedAt = 0;
    let tick = 0;
    for (const entry of files) {
      const { file, folder } = entry;
      // Found missing by a stat since its folder was last listed: making it would have moved the
      // folder, which would have been listed again, so no stat can find it. Almost every look, as a
      // journal is applied and removed within a second of being made. The name is not looked for in
      // the listing: a file system may list it spelt otherwise (decomposed, in another case) than
      // the path that opens it. A listing that failed is never handed back again, so a journal is
      // then stat'ed at every look.
      const listing = thisLook.get(folder);
      if (listing !== undefined && entry.missingUnder === listing) continue;
      // Missing (applied by a replay meanwhile): told without an exception.
      const found = statSync(file, { bigint: true, throwIfNoEntry: false });
      // A link there to a file not made yet is looked at every time: making it moves another folder.
      entry.missingUnder = found || lstatSync(file, { throwIfNoEntry: false }) ? undefined : listing;
      if (!found) continue;
      signature += `${file}\u0000${found.size}\u0000${found.mtimeNs}\u0000${found.ctimeNs}\u0000${found.ino}\n`;
      const last = lastChange(found);
      changedAt = Math.max(changedAt, last.changedAt);
      tick = Math.max(tick, last.tick);
      present.push(file);
    }
    if (signature !== seen || !settled) {
      const unmoved = signature === seen;
      if (!unmoved) firstSeenAt = since;
      // Only the files still there are kept: one gone and back is read whole again.
      const read = new Map<string, JournalTail>();
      for (const file of present) {
        const tail = readJournalTail(file, tails.get(file), unmoved);
        if (tail) read.set(file, tail);
      }
      tails = read;
      damage = undefined;
      for (const [file, tail] of tails) {
        const lines = journalTailDamage(tail);
        if (lines.damaged.length > 0) {
          damage = damagedJournalError(file.replace(/\.replaying-[^/]*$/, ''), lines);
          break;
        }
      }
      seen = signature;
      settled = since - firstSeenAt >= tick && wall - changedAt >= tick;
    }
    if (damage && options.stopOnDamage) throw damage;
    // By address, the reason of its first entry, as a replay keeps the first record.
    const journals = [...tails.values()].filter((tail) => !journalTailEmpty(tail));
    if (journals.length === 0) return undefined;
    const address = canonicalAddress(email);
    for (const tail of journals) {
      const reason = journaledReason(tail, address);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}
