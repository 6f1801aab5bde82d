import { type StoryTwin, storyTwins } from '../load/same-story.js';
import { newestFirst, type PoolEntry } from './index.js';
import { type GoneStory, storyFingerprint } from './picked-record.js';

export interface RoleCount {
  role: string;
  count: number;
}

/** A ready pool entry left out because it tells a story already picked, or sent in an earlier issue. */
export interface LeftOutTwin extends StoryTwin {
  entry: PoolEntry;
  /** Issues that used the twin, when it was used before; empty when it was picked this week. */
  usedIn: string[];
  /** Its roles the twin does not name: their readers get the story from neither. */
  rolesOnlyHere: string[];
  /** When the twin's pool file is gone (renamed or deleted since an issue took it): known from that record. */
  twinGone?: true;
}

/** A pick given up for its twin, which tells the same story to every one of its roles and more. */
export interface ReplacedTwin extends StoryTwin {
  /** The entry given up (the twin, `id`, is picked in its place). */
  entry: PoolEntry;
  /** The roles the twin reaches that the entry given up did not. */
  gained: string[];
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
  /** Picks given up for a twin met later that serves their roles and more. */
  replaced: ReplacedTwin[];
}

/**
 * Picks a week's summaries from the pool: ready, not used by any issue, newest first. It goes round
 * the roles (taxonomy order, then roles only the pool knows) one summary at a time, so every role
 * gets one before any gets a second, and stops adding for a role once `perRole` summaries serve
 * it. A summary picked for one role counts for each of its roles. A candidate with the title of, or
 * a link to the same article as, one picked or used before for a role they share is passed over
 * and reported: its readers would get the story twice. When that candidate names every role of a
 * twin picked this week and more, it takes the twin's place instead, so the roles only it names
 * still get the story. Pure: no clock, no disk.
 */
export function selectFromPool(
  entries: readonly PoolEntry[],
  taxonomyRoles: readonly string[],
  perRole: number,
  /** Higher first when a role picks its next summary (e.g. past engagement); newest first among equals. */
  rank?: (entry: PoolEntry, role: string) => number,
  /** Stories issues took whose pool file is gone since: a renamed copy is still one of them. */
  gone: readonly GoneStory[] = [],
  /**
   * Roles some reader holds, when the readers are known: every one of them gets its picks before a
   * role no reader holds gets any, so the picks the size trim gives up first are those nobody reads.
   */
  held?: ReadonlySet<string>,
): Selection {
  const candidates = newestFirst(entries.filter((e) => e.status === 'ready' && e.usedIn.length === 0));
  const roles = [...taxonomyRoles];
  for (const entry of candidates) for (const role of entry.roles) if (!roles.includes(role)) roles.push(role);

  // The text is compared with gone stories alone: among files in the pool, the title and link say
  // enough, and two short blurbs alike are no reason to pass one over.
  const goneTexts = new Set(gone.map((lost) => lost.fingerprint));
  const texts = new Map<PoolEntry, string>();
  const textOf = (e: PoolEntry) => texts.get(e) ?? texts.set(e, storyFingerprint(e.summary)).get(e)!;
  const story = (e: PoolEntry) => {
    const fingerprint = goneTexts.size ? textOf(e) : undefined;
    return {
      id: e.id,
      title: e.title,
      roles: e.roles,
      url: e.summary.url,
      fingerprint: fingerprint && goneTexts.has(fingerprint) ? fingerprint : undefined,
    };
  };
  const stories = storyTwins();
  for (const used of entries) if (used.usedIn.length > 0) stories.add(story(used));
  for (const lost of gone) stories.add(lost);
  const goneById = new Map(gone.map((lost) => [lost.id, lost]));
  const byId = new Map(entries.map((e) => [e.id, e]));
  const twins: LeftOutTwin[] = [];
  const replaced: ReplacedTwin[] = [];
  const passedOver = new Set<PoolEntry>();
  const replacedBy = new Map<PoolEntry, PoolEntry>();
  const current = (entry: PoolEntry | undefined) => {
    let at = entry;
    while (at && replacedBy.has(at)) at = replacedBy.get(at);
    return at;
  };
  const twinBy = (a: PoolEntry, b: PoolEntry, fallback: StoryTwin): StoryTwin['by'] => {
    const pair = storyTwins();
    pair.add(story(b));
    return pair.twinOf(story(a))?.by ?? fallback.by;
  };

  const counts = new Map(roles.map((role) => [role, 0]));
  const picked = new Set<PoolEntry>();
  // The order picks were made in, which the size trim gives up from the end: a copy swapped in
  // takes its twin's place here, as it is picked for the same turn.
  const order: PoolEntry[] = [];
  let swappedFor: PoolEntry | undefined;
  const passes = held ? [roles.filter((r) => held.has(r)), roles.filter((r) => !held.has(r))] : [roles];
  for (const pass of passes)
    for (let round = 1; round <= perRole; round++) {
      for (const role of pass) {
        if ((counts.get(role) ?? 0) >= round) continue;
        let next: PoolEntry | undefined;
        for (;;) {
          const open = candidates.filter((e) => !picked.has(e) && !passedOver.has(e) && e.roles.includes(role));
          next = rank ? best(open, (e) => rank(e, role)) : open[0];
          if (!next) break;
          const found = stories.twinOf(story(next));
          if (!found) break;
          // A copy given up for another is no longer in the issue: measure against the one that is.
          const earlier = current(byId.get(found.id));
          const twin =
            earlier && earlier.id !== found.id ? { id: earlier.id, by: twinBy(next, earlier, found) } : found;
          const lost = earlier ? undefined : goneById.get(found.id);
          const rolesOnlyHere = next.roles.filter((r) => !(earlier ?? lost)?.roles.includes(r));
          const others = () => [...entries.filter((e) => e.usedIn.length > 0), ...picked].filter((e) => e !== earlier);
          if (
            earlier &&
            picked.has(earlier) &&
            rolesOnlyHere.length > 0 &&
            coversAll(next, earlier) &&
            !tellsAny(story(next), others().map(story))
          ) {
            // The later copy reaches everyone the earlier one did, and more: swap rather than lose readers.
            picked.delete(earlier);
            for (const served of earlier.roles) counts.set(served, (counts.get(served) ?? 1) - 1);
            passedOver.add(earlier);
            replaced.push({ entry: earlier, id: next.id, by: twin.by, gained: rolesOnlyHere });
            replacedBy.set(earlier, next);
            swappedFor = earlier;
            break;
          }
          passedOver.add(next);
          twins.push({
            entry: next,
            ...twin,
            usedIn: earlier?.usedIn ?? lost?.usedIn ?? [],
            rolesOnlyHere,
            ...(lost ? { twinGone: true as const } : {}),
          });
        }
        if (!next) continue;
        if (swappedFor) order[order.indexOf(swappedFor)] = next;
        else order.push(next);
        swappedFor = undefined;
        picked.add(next);
        stories.add(story(next));
        for (const served of next.roles) counts.set(served, (counts.get(served) ?? 0) + 1);
      }
    }
  const coverage = roles.map((role) => ({ role, count: counts.get(role) ?? 0 }));
  return {
    picked: newestFirst([...picked]),
    pickOrder: order,
    coverage,
    uncovered: coverage.filter((c) => c.count === 0).map((c) => c.role),
    twins,
    replaced,
  };
}

/** Whether `summary` tells the story of one of `others` for a role they share. */
function tellsAny(summary: Parameters<ReturnType<typeof storyTwins>['add']>[0], others: readonly (typeof summary)[]) {
  const stories = storyTwins();
  for (const other of others) stories.add(other);
  return stories.twinOf(summary) !== undefined;
}

function coversAll(entry: PoolEntry, other: PoolEntry): boolean {
  return other.roles.every((role) => entry.roles.includes(role));
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
