import { printable } from '../printable.js';
import { speaksOfPace, withoutAddresses } from './pace-words.js';
import type { Clock } from './rate-limit.js';
import type { DeliveryFailure } from './retry.js';
import { isConnectionLimit } from './wire/connection-limit.js';

/**
 * Greylisting: a server that answers the first try of each new recipient with "try again later"
 * (Postgrey's "450 4.2.0 <…>: Recipient address rejected: Greylisted", Exim's "451 4.7.1 Please
 * try again later") and takes the same message once it comes back a few minutes later. It is about
 * that reader, not the run's pace: the reader is tried again after the greylisting delay, without
 * slowing every other connection, and without spending its retries on a backoff of seconds that
 * ends before the server would take it.
 */

/** Greylisting replies to one reader answered with the long wait; after these, the usual retries. */
export const GREYLIST_TRIES = 3;

/** Postgrey's default delay is 5 minutes, as are most greylisters': tried again a minute after that. */
export const DEFAULT_GREYLIST_RETRY_MS = 6 * 60_000;

/** The reply says so in words: "Greylisted", "greylisting in action", "graylisted". */
const SAYS_GREYLIST = /\bgr[ae]y[ -]?list/i;

/** The reply's words of a first try turned away for now. */
const TRY_LATER = /\btry (?:again )?later\b|\bcome back later\b|\btemporar(?:il)?y (?:deferred|rejected|refused)\b/i;

/** Status codes greylisters answer with: 4.2.0 (Postgrey, Postfix) and 4.7.1 (Exim, sqlgrey, milter-greylist). */
const GREYLIST_STATUS = /\b4\.(?:2\.0|7\.1)\b/;

/**
 * Beside the words of a pace (pace-words.ts), words of a limit on the run, its volume or its
 * connections: a "451 4.7.1 Sending limit reached, try again later" is a limit on the run, which
 * greylisting never names.
 */
const ABOUT_LIMITS =
  /\brate\b|\btoo many\b|\bquota\b|busy|concurren|\bconnections?\b|volume|\blimit|\bexceed|\breached\b/i;

/**
 * Words of a refusal of the sending host itself, for now (Postfix's "450 4.7.1 Client host
 * rejected: cannot find your hostname", a HELO or reverse-DNS check): it answers every reader alike
 * and is fixed on the sender's side, so it is retried and reported as such, never waited out reader
 * by reader as greylisting would.
 */
const ABOUT_SENDER =
  /\bclient host\b|\bcannot find your (?:hostname|reverse hostname)\b|\bhelo command rejected\b|\breverse (?:dns|hostname|lookup)\b|\bptr record\b/i;

/**
 * Whether a temporary refusal is greylisting. A reply that says "greylist" is, to RCPT TO or to the
 * message's end (where some servers greylist), at any try. One that only says "try again later" or
 * gives 4.2.0 / 4.7.1 is, when it answers a reader's RCPT TO at that reader's first try, or at a later
 * try of a reader greylisted before (back before the server's delay was over): greylisting is per
 * recipient, while a limit on the run answers retries alike. Never a 421 (the server closes the
 * connection) nor a reply about the rate, quota or connections.
 */
export function isGreylisting(failure: DeliveryFailure, firstTry: boolean): boolean {
  const code = failure.responseCode;
  if (code === undefined || code < 450 || code >= 460) return false;
  const command = failure.command ?? '';
  if (command !== 'RCPT TO' && command !== 'DATA') return false;
  const words = withoutAddresses(failure.said ?? failure.response);
  if (speaksOfPace(words) || ABOUT_LIMITS.test(words) || ABOUT_SENDER.test(words) || isConnectionLimit(code, words))
    return false;
  if (SAYS_GREYLIST.test(words)) return true;
  return firstTry && command === 'RCPT TO' && (TRY_LATER.test(words) || GREYLIST_STATUS.test(words));
}

/** Said once a run, when the first reader is greylisted: the end of the run waits for their next try. */
export function greylistingNotice(reply: string, retryMs: number): string {
  const wait =
    retryMs >= 60_000
      ? `${Math.round(retryMs / 60_000)} min`
      : retryMs >= 1000
        ? `${Math.round(retryMs / 1000)} s`
        : `${retryMs} ms`;
  return `notice: the SMTP server greylists (${printable(reply)}): each reader it turns away at a first try is tried again after ${wait}, while the others go on at the same pace`;
}

/**
 * Jobs set aside until a time: a greylisted reader waits here, holding no connection and no worker,
 * while the run goes on with the others. The earliest due first.
 */
export interface LaterQueue<T> {
  add(value: T, dueInMs: number): void;
  /** One whose time has come, if any. */
  takeDue(): T | undefined;
  /** Waits for the earliest one's time and takes it; undefined when none is left (or taken meanwhile). */
  waitNext(signal: AbortSignal): Promise<T | undefined>;
  /** Takes every one left, due or not (the run ended before their time). */
  drain(): T[];
}

export function createLaterQueue<T>(clock: Clock): LaterQueue<T> {
  // Taken from `head` on, not shifted off: a list greylisted whole keeps the queue long, and a shift
  // moves every reader still waiting. The taken ones are cut off once they are half the array.
  const items: { due: number; value: T }[] = [];
  let head = 0;
  const takeDue = () => {
    const first = items[head];
    if (!first || first.due > clock.now()) return undefined;
    items[head++] = undefined as never;
    if (head === items.length) {
      items.length = 0;
      head = 0;
    } else if (head >= 1024 && head * 2 >= items.length) {
      items.splice(0, head);
      head = 0;
    }
    return first.value;
  };
  return {
    add(value, dueInMs) {
      const due = clock.now() + dueInMs;
      // Searched from the end: with one delay for all, each new one is due last, and a list greylisted
      // whole would otherwise walk every reader already waiting at each addition.
      let at = items.length;
      while (at > head && items[at - 1]!.due > due) at--;
      if (at === items.length) items.push({ due, value });
      else items.splice(at, 0, { due, value });
    },
    takeDue,
    async waitNext(signal) {
      for (;;) {
        if (signal.aborted) return undefined;
        const first = items[head];
        if (!first) return undefined;
        const due = takeDue();
        if (due !== undefined) return due;
        try {
          await clock.sleep(Math.max(1, first.due - clock.now()), signal);
        } catch {
          return undefined;
        }
      }
    },
    drain: () => {
      const left = items.slice(head).map((item) => item.value);
      items.length = 0;
      head = 0;
      return left;
    },
  };
}
