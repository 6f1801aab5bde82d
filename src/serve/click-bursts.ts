import { createHash, randomBytes } from 'node:crypto';
import type { ClickEvent } from '../analytics/store.js';

/**
 * A security gateway that checks a message later than the scanner window (a delivery held by
 * greylisting, a message forwarded days later) opens every link of it within a second or two, with
 * a browser's user agent: no reader opens several different links of one issue that fast. So the
 * clicks of one client (address and user agent) on one message are watched for such a burst: once it
 * has opened `links` different links with less than `BURST_WINDOW_MS` since its first, they are a
 * scanner's, the clicks already counted are withdrawn, and none of the burst counts while it goes
 * on (each click less than `BURST_GAP_MS` after the one before, and less than `BURST_LONGEST_MS` from its start).
 *
 * The window is one second, not two: a reader opening stories in new tabs (a middle-click on each
 * headline in turn) aims at each in about half a second, so four in two seconds is a reader's pace,
 * while a gateway fetches its links a few hundred milliseconds apart or at once.
 */

export const BURST_WINDOW_MS = 1_000;
/** A scanner found out stays one while its next link comes less than this after the one before. */
export const BURST_GAP_MS = 2_000;
/**
 * ...and at most this long from its burst's start: a scanner checks one message in a few seconds,
 * while readers of one role set behind one office address with one browser, clicking in a morning's
 * rush, would otherwise go on as that scanner as long as their clicks come, and none would count.
 */
export const BURST_LONGEST_MS = 5_000;

export interface BurstVerdict {
  /** Whether this click may count. */
  count: boolean;
  /** Clicks of the same burst counted before it was known to be a scanner's: to be taken back. */
  withdraw: ClickEvent[];
}

interface Burst {
  start: number;
  last: number;
  links: Set<string>;
  counted: ClickEvent[];
  scanner: boolean;
}

/** The watcher: called for every click that would count; `remembered()` is how many clients it holds. */
export interface BurstWatch {
  (client: string, link: string, atMs: number, event: ClickEvent): BurstVerdict;
  remembered(): number;
}

/**
 * Clients are kept as salted hashes, in memory only, and only while a burst of theirs can go on
 * (less than `BURST_GAP_MS` since their last click), at most `max` of them, the oldest forgotten first: a
 * flood of distinct clients must not hold their links and clicks long after any could be judged.
 */
export function burstWatch(links: number, max: number): BurstWatch {
  const salt = randomBytes(16);
  /** In the order of each client's last click (a Map iterates in insertion order): the oldest first. */
  const bursts = new Map<string, Burst>();
  const touch = (key: string, burst: Burst, atMs: number) => {
    burst.last = atMs;
    bursts.delete(key);
    bursts.set(key, burst);
    for (const [oldest, { last }] of bursts) {
      if (bursts.size <= max && !(atMs - last >= BURST_GAP_MS)) break;
      bursts.delete(oldest);
    }
  };
  const observe = (client: string, link: string, atMs: number, event: ClickEvent): BurstVerdict => {
    if (links <= 0) return { count: true, withdraw: [] };
    const key = createHash('sha256').update(salt).update(client).digest('base64url');
    let burst = bursts.get(key);
    if (burst?.scanner && atMs - burst.last < BURST_GAP_MS && atMs - burst.start < BURST_LONGEST_MS) {
      touch(key, burst, atMs);
      return { count: false, withdraw: [] };
    }
    if (!burst || atMs - burst.start >= BURST_WINDOW_MS || atMs < burst.start)
      burst = { start: atMs, last: atMs, links: new Set(), counted: [], scanner: false };
    touch(key, burst, atMs);
    burst.links.add(link);
    if (burst.links.size >= links) {
      burst.scanner = true;
      return { count: false, withdraw: burst.counted.splice(0) };
    }
    burst.counted.push(event);
    return { count: true, withdraw: [] };
  };
  return Object.assign(observe, { remembered: () => bursts.size });
}
