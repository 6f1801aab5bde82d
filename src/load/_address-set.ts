/**
 * The canonical addresses seen so far in a list, for duplicates, kept small: a million readers
 * cost an open-addressing table of integers and a hash per reader (about 16 MB), not a Map of a million strings. Keys
 * are read back through `keyOf`, which answers from the subscribers already kept, so no address
 * is stored twice. A reader added must be readable through `keyOf` before the next call.
 */
export interface AddressSet {
  /** The entry index of the first reader with `key`, or -1 after adding it as reader `reader`. */
  addOrFirst(key: string, reader: number, entry: number): number;
}

export function createAddressSet(keyOf: (reader: number) => string): AddressSet {
  let table = new Int32Array(1024); // reader + 1 per slot; 0 is empty
  let mask = table.length - 1;
  let size = 0;
  let entries = new Int32Array(1024); // entry index per reader
  // Each reader's hash, kept so growing the table reads no address back (4 bytes a reader).
  let hashes = new Uint32Array(1024);
  const place = (target: Int32Array, targetMask: number, reader: number, hash: number) => {
    let slot = hash & targetMask;
    while (target[slot] !== 0) slot = (slot + 1) & targetMask;
    target[slot] = reader + 1;
  };
  const grow = () => {
    const next = new Int32Array(table.length * 2);
    const nextMask = next.length - 1;
    for (const stored of table) if (stored !== 0) place(next, nextMask, stored - 1, hashes[stored - 1]!);
    table = next;
    mask = nextMask;
  };
  return {
    addOrFirst(key, reader, entry) {
      // Grown here, not after adding: by now every reader in the table can be read back by `keyOf`.
      // At most half full, so probes stay short.
      if (size * 2 >= table.length) grow();
      const hash = hashOf(key);
      let slot = hash & mask;
      for (let stored = table[slot]!; stored !== 0; stored = table[slot]!) {
        // Only an equal hash reads the stored address back.
        if (hashes[stored - 1] === hash && keyOf(stored - 1) === key) return entries[stored - 1]!;
        slot = (slot + 1) & mask;
      }
      if (reader >= entries.length) {
        entries = widened(entries);
        hashes = widened(hashes);
      }
      entries[reader] = entry;
      hashes[reader] = hash;
      table[slot] = reader + 1;
      size++;
      return -1;
    },
  };
}

function widened<T extends Int32Array | Uint32Array>(array: T): T {
  const next = new (array.constructor as new (length: number) => T)(array.length * 2);
  next.set(array);
  return next;
}

/** FNV-1a over UTF-16 code units, finished with a multiply so nearby addresses spread out. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
}
