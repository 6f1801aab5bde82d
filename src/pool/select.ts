import { type StoryTwin, storyTwins } from '../load/same-story.js';
import { newestFirst, type PoolEntry } from './index.js';

export interface RoleCount {
  role: string;
  count: number;
}

/** A ready pool entry left out because it tells a story already picked, or sent in an earlier issue. */
export interface LeftOutTwin extends StoryTwin {
  entry: PoolEntry;
  /** Issues that used the twin, when it was used before; empty when it was picked this week. */
  usedIn: string[];
}

export interface Selection {
  /** Picked entries, newest first. */
  picked: PoolEntry[];
  /** The same entries in the order they were picked: the last are the first to give up for room. */
  pickOrder: PoolEntry[];
  /** Every role considered, with how many picked summaries serve it. */
  coverage: RoleCount[];
  /** Roles no ready, unused pool summary serves. */
  uncovered: string[];
  /** Candidates passed over as the same story as one picked or already used. */
  twins: LeftOutTwin[];
}

/**
 * Picks a week's summaries from the pool: ready, not used by any issue, newest first. It goes round
 * the roles (taxonomy order, then roles only the pool knows) one summary at a time, so every role
 * gets one before any gets a second, and stops adding for a role once `perRole` summaries serve
 * it. A summary picked for one role counts for each of its roles. A candidate with the title of, or
 * a link to the same article as, one picked or used before for a role they share is passed over
 * and reported: its readers would get the story twice. Pure: no clock, no disk.
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

  const story = (e: PoolEntry) => ({ id: e.id, title: e.title, roles: e.roles, url: e.summary.url });
  const stories = storyTwins();
  for (const used of entries) if (used.usedIn.length > 0) stories.add(story(used));
  const byId = new Map(entries.map((e) => [e.id, e]));
  const twins: LeftOutTwin[] = [];
  const passedOver = new Set<PoolEntry>();

  const counts = new Map(roles.map((role) => [role, 0]));
  const picked = new Set<PoolEntry>();
  for (let round = 1; round <= perRole; round++) {
    for (const role of roles) {
      if ((counts.get(role) ?? 0) >= round) continue;
      let next: PoolEntry | undefined;
      for (;;) {
        const open = candidates.filter((e) => !picked.has(e) && !passedOver.has(e) && e.roles.includes(role));
        next = rank ? best(open, (e) => rank(e, role)) : open[0];
        if (!next) break;
        const twin = stories.twinOf(story(next));
        if (!twin) break;
        passedOver.add(next);
        twins.push({ entry: next, ...twin, usedIn: byId.get(twin.id)?.usedIn ?? [] });
      }
      if (!next) continue;
      picked.add(next);
      stories.add(story(next));
      for (const served of next.roles) counts.set(served, (counts.get(served) ?? 0) + 1);
    }
  }
  const coverage = roles.map((role) => ({ role, count: counts.get(role) ?? 0 }));
  return {
    picked: newestFirst([...picked]),
    pickOrder: [...picked],
    coverage,
    uncovered: coverage.filter((c) => c.count === 0).map((c) => c.role),
    twins,
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
