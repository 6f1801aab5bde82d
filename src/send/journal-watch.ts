import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalAddress } from '../address.js';
import { damagedJournalError, journalFiles, journalLocations, parseJournal, readIfFile } from './journal.js';
import { listedFolder } from './listed-folder.js';
import { linkHops } from './state-file.js';

/**
 * Addresses (canonical) whose unsubscribe waits in the journal of `stateFile`, or in a copy a replay
 * set aside and has not committed, not yet applied: a send looks before every message it hands
 * over, and pages that show whether a reader is subscribed count them as unsubscribed.
 *
 * Each look stats the folders that hold the state path and the links it leads through, and lists
 * one again only when it may have changed (see listed-folder.ts): a journal made, set aside or
 * removed, or a link pointed elsewhere, is seen at the next look. A journal found is read again
 * only when its size, time or inode moved, as appending to it moves no folder.
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
  const namesIn = (folder: string) => {
    let list = listings.get(folder);
    if (!list) {
      list = listedFolder(folder);
      listings.set(folder, list);
    }
    return list();
  };
  // Where the journals are, found again when a folder on the link path was listed again.
  let folders: string[] = [];
  let listed: (readonly string[])[] = [];
  let files: string[] = [];
  let seen = '';
  // By address, the reason of its first entry, as a replay keeps the first record.
  let addresses = new Map<string, string>();
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
    files = journalFiles(journals, (folder) => names.get(folder) ?? []).filter(
      (file) => journals.includes(file) || names.get(dirname(file))?.includes(file.slice(dirname(file).length + 1)),
    );
  };
  return (email) => {
    // The same listing hands back the same array: any other means the folder was listed again.
    if (folders.length === 0 || folders.some((folder, i) => namesIn(folder) !== listed[i])) locate();
    let signature = '';
    const present: string[] = [];
    for (const file of files) {
      // Missing (applied by a replay meanwhile): told without an exception.
      const found = statSync(file, { throwIfNoEntry: false });
      if (!found) continue;
      signature += `${file}\u0000${found.size}\u0000${found.mtimeMs}\u0000${found.ino}\n`;
      present.push(file);
    }
    if (signature !== seen) {
      addresses = new Map();
      damage = undefined;
      for (const file of present) {
        const text = readIfFile(file);
        if (text === undefined) continue;
        const parsed = parseJournal(text);
        for (const entry of parsed.entries) {
          const email = canonicalAddress(entry.email);
          if (!addresses.has(email)) addresses.set(email, entry.reason || 'unsubscribe');
        }
        for (const suspect of parsed.suspects) {
          const email = canonicalAddress(suspect);
          if (!addresses.has(email)) addresses.set(email, 'unsubscribe');
        }
        if (parsed.damaged.length > 0 && !damage)
          damage = damagedJournalError(file.replace(/\.replaying-[^/]*$/, ''), parsed);
      }
      seen = signature;
    }
    if (damage && options.stopOnDamage) throw damage;
    return addresses.size > 0 ? addresses.get(canonicalAddress(email)) : undefined;
  };
}
