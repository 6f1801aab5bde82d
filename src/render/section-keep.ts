import type { PartialReads } from './partial-memo.js';

/**
 * Where a role-set class keeps the source it wrote for a section view (see splice.ts). A section
 * view is met in many places of many classes; the section partial's output for it is fixed by the
 * view, the frame data and the `@root` values the partial reads (see `partialReads`) and the
 * indentation of its call. Places that agree on all of them share one store, so a section view is
 * written once for them, not once per place and class.
 */

export type SectionStore = WeakMap<object, string>;

/** The fields of a stand-in view (see stand-ins.ts) that hold lines or stand-in lists, not values of the view. */
const STAND_IN_FIELDS = new Set(['subject', 'audience', 'issue', 'contents', 'sections']);

export function createSectionStores(reads: PartialReads | undefined) {
  /** Stores shared by every class: keyed by the values read, the same in every class that reads them. */
  const shared = new Map<string, SectionStore>();
  /** Stores of one class, whose `@root` (its stand-in view) is fixed: keyed by frame data and indent. */
  const byClass = new WeakMap<object, Map<string, SectionStore>>();
  return {
    /** The store for a section placed with `data` (its frame) and `indent` in the class `owner`. */
    storeFor(owner: object, data: Record<string, unknown>, indent: string): SectionStore {
      if (!reads) return new WeakMap();
      const frame = JSON.stringify([indent, ...reads.frame.map((name) => String(data[name]))]);
      const root = rootValues(data.root, reads.root);
      if (root !== undefined) {
        const key = `${frame}\u0000${root}`;
        let store = shared.get(key);
        if (!store) {
          store = new WeakMap();
          shared.set(key, store);
        }
        return store;
      }
      let stores = byClass.get(owner);
      if (!stores) {
        stores = new Map();
        byClass.set(owner, stores);
      }
      let store = stores.get(frame);
      if (!store) {
        store = new WeakMap();
        stores.set(frame, store);
      }
      return store;
    },
  };
}

/**
 * The `@root` values read, as JSON, when each is a string, number, boolean, null or absent (an own
 * property missing); undefined when one is anything else, when a path runs through a value that is
 * not an object (a string's `length`), or lies in a stand-in field (reading a stand-in is a use of it).
 */
function rootValues(root: unknown, paths: readonly string[][]): string | undefined {
  const values: unknown[] = [];
  for (const path of paths) {
    if (STAND_IN_FIELDS.has(path[0]!)) return undefined;
    let value: unknown = root;
    let absent = false;
    for (const part of path) {
      if (typeof value !== 'object' || value === null) return undefined;
      if (!Object.hasOwn(value, part)) {
        absent = true;
        break;
      }
      value = (value as Record<string, unknown>)[part];
    }
    if (absent || value === undefined) values.push(['absent']);
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      values.push([typeof value, String(value)]);
    else return undefined;
  }
  return JSON.stringify(values);
}
