/**
 * Appends every item to `target`. `target.push(...items)` passes each item as an argument, and a
 * list of a few hundred thousand (problems in a hostile file, a bulk suppression import) overflows
 * the stack.
 */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
