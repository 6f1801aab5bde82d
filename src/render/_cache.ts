/**
 * A bounded cache for pieces that recur across variants: two generations, so an entry used again
 * before the current one fills survives, and one-off entries (what only one variant holds) are
 * dropped after at most two generations. Memory then stays bounded however many variants pass.
 */
export interface Cache<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  /** The value kept for `key`, or what `make` returns for it, kept from then on. */
  getOrSet(key: K, make: () => V): V;
}

export function createCache<K, V>(limit: number): Cache<K, V> {
  let current = new Map<K, V>();
  let previous = new Map<K, V>();
  const set = (key: K, value: V) => {
    if (current.size >= limit) {
      previous = current;
      current = new Map();
    }
    current.set(key, value);
  };
  const get = (key: K): V | undefined => {
    const found = current.get(key);
    if (found !== undefined) return found;
    const old = previous.get(key);
    if (old !== undefined) set(key, old);
    return old;
  };
  return {
    get,
    set,
    getOrSet(key, make) {
      const found = get(key);
      if (found !== undefined) return found;
      const made = make();
      set(key, made);
      return made;
    },
  };
}
