import { newestFirst, type PoolEntry } from './index.js';

export interface RoleCount {
  role: string;
  count: number;
}

export interface Selection {
  /** Picked entries, newest first. */
  picked: PoolEntry[];
  /** Every role considered, with how many picked summaries serve it. */
  coverage: RoleCount[];
  /** Roles no ready, unused pool summary serves. */
  uncovered: string[];
}

/**
 * Picks a week's summaries from the pool: ready, not used by any issue, newest first. It goes round
 * the roles (taxonomy order, then roles only the pool knows) one summary at a time, so every role
 * gets one before any gets a second, and stops adding for a role once `perRole` summaries serve
 * it. A summary picked for one role counts for each of its roles. Pure: no clock, no disk.
 */
export function selectFromPool(
  entries: readonly PoolEntry[],
  taxonomyRoles: readonly string[],
  perRole: number,
  /** Higher first when a role picks its next summary (e.g. past engagement); newest first among equals. */
  rank?: (entry: PoolEntry, role: string) => number,
): Selection {
  const candidates = newestFirst(entries.filter((e) => e.status === 'ready' && e.usedIn.length === 0));
  const roles = [...taxonomyRoles];
  for (const entry of candidates) for (const role of entry.roles) if (!roles.includes(role)) roles.push(role);

  const counts = new Map(roles.map((role) => [role, 0]));
  const picked = new Set<PoolEntry>();
  for (let round = 1; round <= perRole; round++) {
    for (const role of roles) {
      if ((counts.get(role) ?? 0) >= round) continue;
      const next = rank
        ? best(
            candidates.filter((e) => !picked.has(e) && e.roles.includes(role)),
            (e) => rank(e, role),
          )
        : candidates.find((e) => !picked.has(e) && e.roles.includes(role));
      if (!next) continue;
      picked.add(next);
      for (const served of next.roles) counts.set(served, (counts.get(served) ?? 0) + 1);
    }
  }
  const coverage = roles.map((role) => ({ role, count: counts.get(role) ?? 0 }));
  return {
    picked: newestFirst([...picked]),
    coverage,
    uncovered: coverage.filter((c) => c.count === 0).map((c) => c.role),
  };
}

/** The first entry with the highest score: the newest among equals, as candidates are newest first. */
function best(entries: readonly PoolEntry[], score: (entry: PoolEntry) => number): PoolEntry | undefined {
  let top: PoolEntry | undefined;
  let topScore = Number.NEGATIVE_INFINITY;
  for (const entry of entries) {
    const value = score(entry);
    if (value > topScore) [top, topScore] = [entry, value];
  }
  return top;
}
