/**
 * A server's word that this account or host has too many connections open: Exchange Online's
 * "432 4.3.2 Concurrent connections limit exceeded", "421 4.7.0 Too many concurrent SMTP
 * connections", Postfix's "421 4.7.0 … Error: too many connections from …", a "452 4.3.2" of the
 * same. Read by meaning: a temporary reply (4xx) that speaks of connections over a limit, or a
 * 4.3.2 status ("system not accepting network messages") that speaks of a limit or of concurrency.
 * It says nothing about the message or the reader: fewer connections is the answer.
 */
export function isConnectionLimit(responseCode: number | undefined, said: string): boolean {
  if (responseCode === undefined || responseCode < 400 || responseCode >= 500) return false;
  const words = said.replace(QUOTED_ADDRESS, '<address>');
  // About the reader's mailbox, whatever its words: that reader's retries, never the run's connections.
  if (READER_MAILBOX.test(words)) return false;
  if (CONNECTION_WORDS.test(words)) return true;
  // A 4.3.2 about how fast messages come ("452 4.3.2 Message rate limit exceeded") asks for a slower
  // pace, which closing a connection would not give: throttling, not a cap on connections.
  if (MESSAGE_RATE.test(words) && !/\b(?:concurren\w*|thread|simultaneous|parallel)\b/i.test(words)) return false;
  return /\b4\.3\.2\b/.test(words) && /\b(?:limit|exceed\w*|too many|concurren\w*|thread)\b/i.test(words);
}

/** Words about the rate of messages or recipients, not the number of connections open. */
const MESSAGE_RATE =
  /\brate\b|ratelimit|too many (?:messages|mails|emails|recipients|requests)|(?:messages|mails|emails|recipients) per\b|per (?:second|minute|hour)\b/i;

/** The reply's error, as nodemailer gives it: its code and words. */
export function isConnectionLimitError(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    response?: unknown;
  };
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  return isConnectionLimit(code, typeof e.response === 'string' ? e.response : '');
}

/**
 * A mailbox status (4.1.x addressing, 4.2.x mailbox, as retry.ts reads them) or Exchange's "432 4.3.2
 * STOREDRV.Deliver; recipient thread limit exceeded": the reader's mailbox takes too many deliveries
 * at once, which fewer connections of this run would not change.
 */
const READER_MAILBOX = /\b4\.[12]\.\d{1,3}\b|\brecipient thread limit\b/i;

/** An address quoted in the reply is the reader's own choice of words, never the server's. */
const QUOTED_ADDRESS = /<[^<>]*>|[^\s<>]+@[^\s<>]+/g;

/** "too many (concurrent|simultaneous|SMTP) connections", "concurrent connections limit", "connection limit exceeded", "maximum number of connections". */
const CONNECTION_WORDS =
  /\b(?:too many|concurrent|simultaneous|parallel|maximum number of|max(?:imum)?)\b(?:\s+[\w-]+){0,3}?\s+connections?\b|\bconnections?\s+(?:limit|count|quota)\b|\bconnections?\b(?:\s+[\w-]+){0,4}?\s+(?:exceed\w*|reached|over (?:the )?limit)\b/i;
