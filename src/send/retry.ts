/**
 * What to do with a failed delivery. SMTP says it in the reply code: 4xx is "try again later",
 * 5xx is "never" (except 503, a session out of step, which a new connection fixes). A dropped or
 * timed-out connection, a failed TLS handshake and a garbled reply are temporary too. Anything else
 * (a bug building the message) is permanent: retrying would fail the same way.
 *
 * Where the refusal came in says whom it is about: a 5xx to RCPT TO or DATA is about this message
 * or reader; a 5xx to MAIL FROM, to the login or to the connection itself is about the sender or
 * the account, and every other message would get it too.
 */

import { MAY_HAVE_BEEN_DELIVERED } from './ledger.js';
import { speaksOfPace, withoutAddresses } from './pace-words.js';
import { UNSCRUBBED_REPLY } from './scrub.js';
import { isConnectionLimit } from './wire/connection-limit.js';
export type FailureKind = 'temporary' | 'permanent';

/**
 * Set on the error of a message whose terminating dot went out and whose reply never came in the
 * wait (see wire/pool.ts): the server may have taken it, so it is not sent again in this run.
 */
export const UNSURE_AFTER_DOT = 'unsureAfterDot';

/** How a message over the server's SIZE limit is reported: that reader fails, as for a 552 (see `refusesTheMessage`). */
export const SIZE_REFUSAL = "the message is larger than the SMTP server's SIZE limit";

/**
 * An aborted run's reason starts with this when its first messages were all refused for what they
 * carry, none accepted (run.ts): the server likely refuses the issue itself, not a few readers' copies.
 */
export const MESSAGES_REFUSED = 'messages refused, none accepted: ';

/**
 * A refusal of STARTTLS (or of the EHLO it needs) on a connection that must have TLS starts with
 * this: the server, or something on the way that removed its offer, stopped the run, not the account.
 */
export const TLS_NOT_STARTED = 'TLS could not be started: ';

/** A run's `stopped` reason starts with this when only throttling replies came for too long (run.ts). */
export const THROTTLED_OUT = 'throttled: ';

/** A run's `stopped` reason starts with this when the suppression list could not be read before a message (run.ts). */
export const LOOK_FAILED_STOP = 'suppression list unreadable: ';

export interface DeliveryFailure {
  kind: FailureKind;
  responseCode: number | undefined;
  /** The server's reply, or the error's message when there was no reply. Never holds credentials. */
  response: string;
  /** No reply at all: the connection could not be made or broke off. Says nothing about the recipient. */
  noReply: boolean;
  /** A permanent refusal of the sender or account (MAIL FROM, login, connection): stop the run. */
  accountLevel: boolean;
  /**
   * The message's terminating dot went out and no reply came in the whole wait: the server may
   * have taken it. Left for the next run (deferred), never sent again in this one.
   */
  unsure?: boolean;
  /** Only throttling replies for the run's whole allowance (see THROTTLED_OUT_MS in run.ts): stop. */
  throttledOut?: boolean;
  /** The reply as the server gave it, when taking the password out of `response` changed it: classified, never shown. */
  said?: string;
  /** The command the reply answered (nodemailer's name: 'RCPT TO', 'DATA', …), when there was a reply. */
  command?: string;
}

const TEMPORARY_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  // A TLS handshake that failed, or a reply nodemailer could not read: the next connection may do better.
  'ETLS',
  'EPROTOCOL',
]);

/** nodemailer's `err.command` for the session steps before any recipient is named. */
const SESSION_COMMANDS = new Set(['CONN', 'GREETING', 'EHLO', 'HELO', 'LHLO', 'STARTTLS', 'MAIL FROM']);

interface MailError {
  code?: unknown;
  command?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/** A refusal of STARTTLS, or of the EHLO before a STARTTLS that must come (nodemailer tries no HELO then). */
function tlsStep(command: string, message: unknown): boolean {
  return command === 'STARTTLS' || (typeof message === 'string' && /required STARTTLS/.test(message));
}

export function classifyFailure(error: unknown): DeliveryFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as MailError;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = oneLine(
    typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(error),
  );
  // Classified by the server's words as they came; shown and recorded without the password.
  const unscrubbed = (e as Record<symbol, unknown>)[UNSCRUBBED_REPLY];
  const said = typeof unscrubbed === 'string' ? oneLine(unscrubbed) : response;
  const code = typeof e.code === 'string' ? e.code : '';
  const command = typeof e.command === 'string' ? e.command : '';
  const aboutAccount =
    code === 'EAUTH' || code === 'ENOAUTH' || command.startsWith('AUTH') || SESSION_COMMANDS.has(command);
  if (responseCode !== undefined) {
    // A provider's limit, even worded as a 5xx, passes: the run slows down and tries again. A code
    // about the mailbox itself (5.1.x, 5.2.x: unknown, full, disabled) wins over the wording:
    // "552 5.2.2 Mailbox full, too many messages" is this reader's, not a limit on the run.
    const permanent =
      responseCode >= 500 &&
      responseCode < 600 &&
      responseCode !== 503 &&
      (MAILBOX_STATUS.test(said) ||
        ACCOUNT_LIMIT.some((words) => words.test(withoutAddresses(said))) ||
        !speaksOfPace(said));
    return {
      kind: permanent ? 'permanent' : 'temporary',
      responseCode,
      // Not the account's fault: the abort says TLS could not be had (report.ts).
      response: permanent && tlsStep(command, e.message) ? `${TLS_NOT_STARTED}${response}` : response,
      noReply: false,
      // A size refusal at MAIL FROM (its SIZE= parameter) is about this message, not the sender. A
      // refusal of the account's own mailbox is about the account, whichever command it answers.
      accountLevel:
        permanent &&
        ((aboutAccount && !(command === 'MAIL FROM' && tooLarge(responseCode, said))) ||
          ACCOUNT_LIMIT.some((words) => words.test(withoutAddresses(said)))),
      ...(said === response ? {} : { said }),
      ...(command ? { command } : {}),
    };
  }
  // nodemailer refuses a message over the size the server's EHLO announced, before sending it.
  const limit = /^Message size larger than allowed (\d+)/.exec(said);
  if (limit)
    return {
      kind: 'permanent',
      responseCode: undefined,
      response: `${SIZE_REFUSAL} of ${limit[1]} bytes: shorten the issue (compact cards, fewer summaries) or send through a server that takes larger messages`,
      noReply: false,
      accountLevel: false,
    };
  // The server went quiet after the whole message: it is alive enough to have taken it.
  if ((e as Record<string, unknown>)[UNSURE_AFTER_DOT] === true)
    return {
      kind: 'temporary',
      responseCode: undefined,
      response: `${response} (no reply after the whole message was sent: ${MAY_HAVE_BEEN_DELIVERED}, so it is not sent again in this run)`,
      noReply: false,
      accountLevel: false,
      unsure: true,
    };
  const temporary = TEMPORARY_CODES.has(code);
  return {
    kind: temporary ? 'temporary' : 'permanent',
    responseCode: undefined,
    response,
    noReply: temporary,
    // A login nodemailer could not even attempt (no credentials) fails every message alike.
    accountLevel: !temporary && (code === 'EAUTH' || code === 'ENOAUTH'),
  };
}

/** An enhanced status (RFC 3463) about the recipient's mailbox: X.1.x addressing or X.2.x mailbox. */
const MAILBOX_STATUS = /\b[45]\.[12]\.\d{1,3}\b/;

/**
 * Words of a mailbox status about the sending account's own mailbox, not the reader's: Exchange
 * Online answers the end of every message with one once the account reached its daily limit
 * ("554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException") or its Sent Items
 * filled its mailbox ("554 5.2.2 mailbox full; STOREDRV.Submission.Exception:QuotaExceededException").
 */
const SENDER_MAILBOX = /STOREDRV\.(?:Submission|ClientSubmit)|SubmissionQuota/i;

/**
 * Words of a refusal because the account sent all a day allows it, which every other message
 * would get too: Gmail's "550 5.4.5 Daily user sending limit exceeded" (each reply with an id of
 * its own, so never five alike), Exchange Online's "550 5.1.90 … you've reached your daily limit
 * for message recipients", a host's "552 Message would take you over your relay quota".
 */
const SENDING_LIMIT =
  /\bdaily (?:user )?sending (?:quota|limit)|\bdaily limit for message recipients|\bover your relay quota/i;

/** Replies about the sending account wherever they come, whatever their status says. */
const ACCOUNT_LIMIT = [SENDER_MAILBOX, SENDING_LIMIT];

/**
 * A reply that asks the sender to slow down rather than saying anything about this message: 421
 * (service not available, closing), a 4xx with an enhanced status 4.7.x (a policy, e.g. 451 4.7.1),
 * or any reply that says "rate limit", "too many …", "throttled".
 */
export function isThrottling(failure: DeliveryFailure): boolean {
  const code = failure.responseCode;
  if (code === undefined) return false;
  if (code === 421) return true;
  const said = failure.said ?? failure.response;
  // Too many connections for the account: waiting, not this reader's retries, is the answer.
  if (isConnectionLimit(code, said)) return true;
  if (MAILBOX_STATUS.test(said)) return false;
  if (code >= 400 && code < 500 && /\b4\.7\.\d{1,3}\b/.test(said)) return true;
  return speaksOfPace(said);
}

/**
 * Delay before retry number `attempt` (1-based): exponential with "full jitter" (a random delay
 * between half and all of base × 2^(attempt−1)), capped, so many connections retrying together
 * spread out instead of hammering the server in step.
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 5 * 60_000);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function oneLine(text: string): string {
  return wordsOnce(text).replace(/\s+/g, ' ').trim().slice(0, 500);
}

/**
 * A reply over several lines ("550-5.1.1 … / 550-5.1.1 … / 550 5.1.1 …", RFC 5321 4.2.1) with its
 * code and enhanced status said once, at the front: read and stored as the sentence it is.
 */
function wordsOnce(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const first = /^(\d{3})[ -](?:([245]\.\d{1,3}\.\d{1,3})\s)?/.exec(lines[0] ?? '');
  if (!first || lines.length < 2) return text;
  const [, code, status] = first;
  const prefix = new RegExp(`^${code}[ -]${status ? `(?:${status.replace(/\./g, '\\.')}(?:\\s|$))?` : ''}`);
  if (!lines.every((line) => prefix.test(line))) return text;
  return `${code} ${status ? `${status} ` : ''}${lines.map((line) => line.replace(prefix, '').trim()).join(' ')}`;
}

/**
 * What makes two permanent refusals "the same reply" when looking for a run of them: the reply with
 * any address taken out. Undefined for replies whose enhanced status code (RFC 3463) says they are
 * about the reader's mailbox — X.1.x addressing (bar X.1.7/X.1.8, the sender's address), X.2.x
 * mailbox status and X.6.7 (a non-ASCII address the path cannot carry) — so a list with several dead
 * addresses in a row is never mistaken for a refused account; and for refusals of the message itself
 * (see `refusesTheMessage`), which would refuse the same readers first on every run and so never let
 * the list through.
 */
export function refusalKey(failure: DeliveryFailure): string | undefined {
  const said = failure.said ?? failure.response;
  const [subject, detail] = enhancedStatus(said);
  if (subject === 2 || (subject === 1 && detail !== 7 && detail !== 8)) return undefined;
  if (subject === 6 && detail === 7) return undefined; // a non-ASCII recipient address (RFC 6531)
  if (refusedTheMessage(failure)) return undefined;
  // Words holding both letters and digits are the server's ids and times (Gmail ends every reply
  // with one of its own, "o65sm25351206pga.71 - gsmtp"): the same refusal, whatever they say.
  const text = withoutAddresses(failure.response).toLowerCase().replace(SERVER_ID, '#');
  return `${failure.responseCode ?? ''} ${text}`;
}

/**
 * How many identical refusals in a row, nothing accepted between, abort the run: `limit`, or
 * MAILBOX_WORDS_PATIENCE times it for a reply without an enhanced status whose words are of an
 * unknown mailbox (Exim's "550 Unrouteable address", "550 unknown user", "550 No such user here")
 * and not of the sender, account or host (see SENDER_TEXT). Such a reply is likely about that
 * reader, so a few dead addresses in a row must not stop every run at them; but RFC 5321's own
 * words for any 550, "mailbox unavailable", are also a server's refusal of everyone, which must
 * still stop the run before it marks the whole list failed.
 */
export function refusalsToAbort(failure: DeliveryFailure, limit: number): number {
  const said = failure.said ?? failure.response;
  return enhancedStatus(said)[0] === undefined && unknownMailbox(said) ? limit * MAILBOX_WORDS_PATIENCE : limit;
}

export const MAILBOX_WORDS_PATIENCE = 4;

const UNKNOWN_MAILBOX =
  /\bunroutable\b|\bunrouteable\b|\b(?:unknown|invalid) (?:user|mailbox|recipient|local[- ]part)\b|\bno such (?:user|mailbox|recipient)\b|\b(?:user|mailbox|recipient) (?:unknown|not found|does not exist|unavailable)\b/i;

/** The same words in German, French, Spanish and Italian, as servers set up in those languages say them. */
const UNKNOWN_MAILBOX_TRANSLATED =
  /\b(?:benutzer|empfänger|postfach) (?:unbekannt|existiert nicht|nicht gefunden)|\bunbekannte[rs]? (?:benutzer|empfänger|postfach)|\b(?:utilisateur|destinataire|adresse) (?:inconnu|inexistant)|\b(?:usuario|destinatario|buzón) (?:desconocido|inexistente|no existe)|\b(?:utente|destinatario) (?:sconosciuto|inesistente)/i;

function unknownMailbox(said: string): boolean {
  const words = withoutAddresses(said);
  return (UNKNOWN_MAILBOX.test(words) || UNKNOWN_MAILBOX_TRANSLATED.test(words)) && !SENDER_TEXT.test(words);
}

const SERVER_ID = /[^\s[\]()]*(?:[a-z][^\s[\]()]*\d|\d[^\s[\]()]*[a-z])[^\s[\]()]*/g;

/** Whether the server refused this message itself (see `refusesTheMessage`), or it was over the server's SIZE. */
export function refusedTheMessage(failure: DeliveryFailure): boolean {
  return (
    failure.response.startsWith(SIZE_REFUSAL) ||
    refusesTheMessage(failure.responseCode, failure.said ?? failure.response)
  );
}

/** A policy refusal's words about what the message says or carries. */
const CONTENT_TEXT = /\b(?:content|spam\w*|virus|malware|phish\w*|unsolicited|policy|attachments?|prohibited)\b/i;

/**
 * Words that put a refusal on the sender, the account or the sending host (every message would get
 * it): they win over content words ("Client host blocked using Spamhaus", "sender rejected by policy",
 * "Rejected by header based Anti-Spoofing policy": the From domain is judged forged, not one message).
 */
const SENDER_TEXT =
  /sender|from address|relay|auth|account|login|credential|client|host|\bip\b|domain|spf|dkim|dmarc|reverse dns|\bptr\b|block ?list|black ?list|listed|spamhaus|reputation|quota|suspend|verif|spoof|impersonat/i;

/**
 * A permanent refusal of this message rather than of the account: RFC 3463's X.6.x (media and
 * content), a message too large (see `tooLarge`), or a 5.7.0/5.7.1 policy refusal (or one without
 * an enhanced code) that speaks of the content, spam or a virus and not of the sender, account or
 * host. Other readers' messages may get it too, but each is the server's judgement of one message:
 * those readers fail and the run goes on.
 */
export function refusesTheMessage(responseCode: number | undefined, said: string): boolean {
  if (responseCode === undefined || responseCode < 500 || responseCode >= 600) return false;
  if (tooLarge(responseCode, said)) return true;
  const [subject, detail] = enhancedStatus(said);
  if (subject === 6 && detail !== 7) return true;
  const policy = subject === undefined || (subject === 7 && (detail === 0 || detail === 1));
  return policy && CONTENT_TEXT.test(said) && !SENDER_TEXT.test(said);
}

/** X.3.4 (message too big for the system), or a 552 (storage allocation exceeded) with no other subject. */
function tooLarge(responseCode: number, said: string): boolean {
  const [subject, detail] = enhancedStatus(said);
  return (subject === 3 && detail === 4) || (responseCode === 552 && (subject === undefined || subject === 3));
}

/** The subject and detail of a permanent enhanced status code (RFC 3463) in the reply, if it has one. */
function enhancedStatus(said: string): [number, number] | [undefined, undefined] {
  const enhanced = /\b5\.(\d{1,3})\.(\d{1,3})\b/.exec(said);
  return enhanced ? [Number(enhanced[1]), Number(enhanced[2])] : [undefined, undefined];
}
