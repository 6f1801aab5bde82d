/**
 * A server's cap on messages per connection: "421 4.7.0 Too many messages in this session",
 * Exchange's "Messages per connection limit exceeded", "452 4.5.3 … messages per session". It is
 * about the connection, not the run's pace nor the message: a new connection takes the message at
 * once, at the same pace. Once one was heard, the cap is known (the messages that connection had
 * taken, the most of any connection refused so), and every connection is closed as it reaches it.
 * Every message names one reader, so "452 4.5.3 Too many recipients" to its RCPT TO counts the
 * recipients of the whole session: a cap on its messages too.
 */

import { speaksOfPace, withoutAddresses } from '../pace-words.js';

/** Words of a cap on the messages of one session or connection (never a rate over time). */
const SESSION_CAP_WORDS =
  /\btoo many (?:messages|mails|emails) (?:in|on|for|per) (?:this |the |one |a )?(?:session|connection)\b|\b(?:messages?|mails?|emails?) per (?:session|connection)\b|\b(?:session|connection) message (?:limit|count|cap)\b/i;

/** Words of too many recipients, to a message that has one: the session's, unless said of a pace (pace-words.ts). */
const SESSION_RECIPIENT_WORDS = /\btoo many recipients\b/i;

/** A temporary reply (4xx) speaking of a cap on messages per session or connection. */
export function isSessionMessageCap(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    response?: unknown;
    command?: unknown;
  };
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (code === undefined || code < 400 || code >= 500) return false;
  const words = typeof e.response === 'string' ? withoutAddresses(e.response) : '';
  if (SESSION_CAP_WORDS.test(words)) return true;
  return e.command === 'RCPT TO' && SESSION_RECIPIENT_WORDS.test(words) && !speaksOfPace(words);
}

export interface SessionCap {
  /** The connection had a message accepted. */
  accepted(connection: object): void;
  /** Whether the connection took as many messages as the server allows one: close it, and open another. */
  spent(connection: object): boolean;
  /**
   * Whether `error` is the server's cap on this connection's messages, after it took at least one:
   * the cap is learnt, and the message goes out on a new connection, not counted as a try. A
   * connection refused so before any message is not a cap on sessions, and is handled as before.
   */
  reached(connection: object, error: unknown): boolean;
  /** The messages a connection may take, once learnt. */
  learnt(): number | undefined;
}

export function createSessionCap(onLearnt?: (messages: number, reply: string) => void): SessionCap {
  const taken = new WeakMap<object, number>();
  let cap: number | undefined;
  return {
    accepted(connection) {
      taken.set(connection, (taken.get(connection) ?? 0) + 1);
    },
    spent: (connection) => cap !== undefined && (taken.get(connection) ?? 0) >= cap,
    reached(connection, error) {
      const count = taken.get(connection) ?? 0;
      if (count === 0 || !isSessionMessageCap(error)) return false;
      // The most any connection took: a server that also counts the transactions it refused
      // (a greylisted recipient, a rejected one) refuses some connections earlier, and the least
      // would fall towards one message a connection. Such an early refusal only reconnects.
      if (cap === undefined || count > cap) {
        const first = cap === undefined;
        cap = count;
        if (first) onLearnt?.(count, String((error as { response?: unknown }).response ?? ''));
      }
      return true;
    },
    learnt: () => cap,
  };
}
