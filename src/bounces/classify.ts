import type { BounceKind } from './types.js';

/**
 * Hard or soft. A 5.x.x status that says the address is bad is permanent (RFC 3463: the mailbox
 * or its domain unknown, 5.1.0–5.1.3, 5.1.6, 5.1.10, a disabled mailbox 5.2.1, a domain mail cannot
 * be routed to 5.4.4); so is any failure whose words say the mailbox does not exist, whatever code
 * came with it — some servers answer 4xx for an unknown user, and reports written by hand (Yahoo's,
 * qmail's) carry only a basic SMTP code or none.
 *
 * Every other 5.x.x status says nothing against the reader's address: a full mailbox (5.2.2), a
 * message too big (5.2.3, 5.3.4), the receiving system (5.3.x), routing and time-outs (5.4.x), the
 * protocol (5.5.x), its content (5.6.x), the sender's own addresses (5.1.7, 5.1.8), policy and
 * reputation (5.7.x: DMARC, block lists, rate limits), and 5.0.0, which a report carries when the
 * server gave only a basic reply code ("554 … blocked using b.barracudacentral.org"). Taken as hard,
 * one block list or DMARC mistake would suppress a whole provider's readers for good; as soft, a
 * reader is suppressed only if it keeps happening `softLimit` issues in a row.
 */

const MAILBOX_UNKNOWN =
  /\b(?:no such (?:user|mailbox|recipient|address)|(?:user|mailbox|recipient|address|account)(?: name)? (?:is )?(?:unknown|not found|does not exist|doesn't exist|invalid|disabled|deactivated|inactive)|(?:unknown|invalid) (?:user|mailbox|recipient|address)|does not exist|doesn't have an? [\w.-]{1,64} account|not a valid (?:recipient|mailbox)|no mailbox here by that name|not listed in (?:the )?(?:domino |public |names )?(?:directory|address book)|recip(?:ient)?notfound|account (?:has been )?(?:disabled|closed|deactivated)|benutzer unbekannt|unbekannter (?:benutzer|empf[äa]nger)|utilisateur inconnu|destinataire inconnu|usuario desconocido|onbekende (?:gebruiker|ontvanger)|utente sconosciuto|usu[áa]rio desconhecido)\b/i;

/**
 * Words that say the mailbox is gone only in a permanent refusal: "mailbox unavailable" also
 * comes with a 450 for greylisting, and Microsoft writes "550 5.5.0 … mailbox unavailable" or
 * "550 5.4.1 Recipient address rejected: Access denied" for an address it does not have.
 */
const GONE_WHEN_PERMANENT =
  /\b(?:mailbox (?:is )?unavailable|unrouteable address|addressee unknown|recipient address rejected: access denied)\b/i;

/**
 * Our own envelope sender refused: nothing against the reader's address. Sendmail words it "Domain
 * of sender address … does not exist" and Exim "Sender verify failed", which the mailbox-unknown
 * words would otherwise take for the reader's: a VERP domain that stops resolving would then
 * suppress every reader on such servers for good. Exchange's sender filter answers "550 5.1.0
 * Sender denied", whose status alone would say the reader's address is bad: one company's block
 * would suppress all its readers for good.
 */
const SENDER_REFUSED =
  /\b(?:sender address rejected|domain of sender address|sender verify failed|sender (?:domain|mailbox|address)(?: <?[^\s<>;]{1,255}>?)? (?:does not exist|not found|unknown|invalid)|sender(?: address)?(?: <[^<>\s]{0,256}>)? (?:is )?(?:rejected|denied|blocked|blacklisted|not allowed))\b/i;

/** Statuses about the sender's own addresses (RFC 3463 X.1.7, X.1.8), whatever the words say. */
const ABOUT_THE_SENDER = /^[45]\.1\.[78]$/;

/** RFC 3463 enhanced status code anywhere in the text, e.g. `550 5.1.1 <x>: …` → `5.1.1`. */
export function findStatus(text: string): string | undefined {
  // Not part of a longer dotted number: "5.9.12.34" is a server's IP address, not status 5.9.12.
  const enhanced = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/.exec(text);
  if (enhanced) return `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}`;
  // Only a basic reply code: its class is all it tells.
  const basic = /(?:^|[\s:;'"(])([45])\d\d(?=[\s:;-]|$)/m.exec(text);
  return basic ? `${basic[1]}.0.0` : undefined;
}

export function saysMailboxUnknown(text: string): boolean {
  return MAILBOX_UNKNOWN.test(text);
}

/** The kind of a failed delivery from its status code and diagnostic text. */
export function classifyFailure(status: string | undefined, diagnostic: string): Exclude<BounceKind, 'complaint'> {
  if (SENDER_REFUSED.test(diagnostic) || (status !== undefined && ABOUT_THE_SENDER.test(status))) return 'soft';
  if (status !== undefined && ABOUT_THE_ADDRESS.test(status)) return 'hard';
  if (status?.startsWith('5') && !status.startsWith('5.7') && GONE_WHEN_PERMANENT.test(diagnostic)) return 'hard';
  return saysMailboxUnknown(withoutOurSide(diagnostic)) ? 'hard' : 'soft';
}

/**
 * What a refusal says "does not exist" (or is "disabled") may be on our side: the sending host's
 * reverse DNS or PTR record, its HELO name, the sending domain, its DKIM key, SPF or DMARC record,
 * our account at a relay ("550 5.7.1 Client host rejected: reverse DNS record does not exist",
 * Postfix's expired "451 4.7.1 PTR record does not exist"). Read as the reader's mailbox, one DNS
 * mistake would suppress every reader of that provider for good. Each such clause, up to the next
 * ";", is left out before the words are read; "User unknown; client host [192.0.2.1]" stays hard.
 * A word inside an address or a host name ("<spf@example.com>... User unknown", a reader at
 * helo.example) is the reader's, not ours: it leaves nothing out.
 */
const OUR_SIDE =
  /(?<![.@])\b(?:client host|reverse (?:dns|lookup)|rdns|ptr|helo|ehlo|dkim|spf|dmarc|sending (?:domain|host|ip|server|account)|sender(?:'s)? domain|from domain|your (?:ip|host|hostname|server|domain|account))\b(?![\w-]*(?:@|\.[a-z0-9]))[^;\r\n]{0,160}/gi;

function withoutOurSide(diagnostic: string): string {
  return diagnostic.replace(OUR_SIDE, ' ');
}

/** 5.x.x statuses that say the reader's address is bad (see above). */
const ABOUT_THE_ADDRESS = /^5\.(?:1\.(?:[0-3]|6|10)|2\.1|4\.4)$/;

/** A complaint's feedback type, read once for every source (see `feedbackType`). */
export interface FeedbackType {
  /** Lower-cased; `abuse` when none (or an empty one) is given. */
  type: string;
  /** As the report wrote it (trimmed); undefined when it gave none. */
  written: string | undefined;
  /** A reader's spam complaint: `abuse`, `fraud`, or none given. */
  spam: boolean;
}

/**
 * A feedback report's Feedback-Type (RFC 5965; SES passes it on as `complaintFeedbackType`). Only
 * `abuse` and `fraud`, and none given (or an empty one), which reads as `abuse`, are a reader's spam
 * complaint. The others (`auth-failure`, `virus`, `not-spam`, `other`) say nothing about the reader
 * wanting no more mail.
 */
export function feedbackType(value: string | undefined): FeedbackType {
  const written = value?.trim() ?? '';
  const type = (written || 'abuse').toLowerCase();
  return { type, written: written || undefined, spam: type === 'abuse' || type === 'fraud' };
}
