/**
 * A server ends a session left idle too long with a 421 ("421 4.4.2 … Error: timeout exceeded",
 * Postfix; "421 4.4.2 Connection timed out"). Said to an idle connection it closes it quietly, but
 * said just as the next message starts on it, the 421 is read as the reply to that message's first
 * command: nothing of the message was taken, and the server asked nobody to slow down.
 */

import { speaksOfPace } from '../pace-words.js';

/** Words of a session's idle time running out: 4.4.2 (bad connection) or a timeout. */
const IDLE_WORDS = /\b4\.4\.2\b|\btime[sd]?[ -]?out\b|\btimeout\b|\bidle\b/i;
/** A limit the server names beside a timeout: then the 421 is about the sender, as a pace is. */
const LIMIT_WORDS = /\blimit/i;

/** A 421 that ends a session for its idle time, not for the sender's pace. */
export function isIdleClose(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    response?: unknown;
  };
  if (e.responseCode !== 421 || typeof e.response !== 'string') return false;
  return IDLE_WORDS.test(e.response) && !speaksOfPace(e.response) && !LIMIT_WORDS.test(e.response);
}
