/** The line a field was read from, when it was read from one (not inherited from a prototype). */
export function ownLine(lines: Record<string, number>, field: string): number | undefined {
  return Object.hasOwn(lines, field) ? lines[field] : undefined;
}
