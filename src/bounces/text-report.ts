import { saysMailboxUnknown } from './classify.js';

/**
 * The plain-text bounces without a machine-readable part, each form read by its own layout: qmail's
 * and Yahoo's `<address>:` blocks, Exim's "Mail delivery failed", legacy Exchange's "Remote Server
 * returned '550 …'", and last the words alone. Each finds the failed addresses and the server's reply
 * to each; what kind of failure it is, and whom it is about, is decided by the caller. Pure.
 */

export interface TextBounce {
  address: string;
  diagnostic: string;
}

/** qmail and Yahoo: `<user@example.com>:` on its own line, the server's reply below it. */
export function qmailBlocks(text: string): TextBounce[] | undefined {
  const body = text.split(/^--- ?Below this line is a copy of the message/m)[0] ?? text;
  const lines = body.split(/\r?\n/);
  const found: TextBounce[] = [];
  for (let i = 0; i < lines.length; i++) {
    // Anchored, with bounded classes that exclude "@": linear however long a hostile line is.
    const match = /^<([^<>\s@]{1,256}@[^<>\s@]{1,256})>:\s*$/.exec(lines[i]!.slice(0, 600));
    if (!match) continue;
    const reply: string[] = [];
    for (let j = i + 1; j < lines.length && j <= i + 10 && lines[j]!.trim() !== ''; j++) reply.push(lines[j]!);
    if (reply.length) found.push({ address: match[1]!, diagnostic: oneLine(reply.join(' ')) });
  }
  return found.length ? found : undefined;
}

/**
 * Exim's plain-text report ("Mail delivery failed"): after "The following address(es) failed:",
 * each address indented on its own line, the remote server's reply on the indented lines below it,
 * and the original message after "------ This is a copy of the message".
 */
export function eximBlocks(text: string): TextBounce[] | undefined {
  const start = text.search(/following address(?:\(es\)|es)? failed:/i);
  if (start < 0) return undefined;
  const body = text.slice(start).split(EXIM_COPY)[0] ?? '';
  const lines = body.split(/\r?\n/).slice(1);
  const found: TextBounce[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^ {1,8}<?([^<>\s@]{1,256}@[^<>\s@]{1,256}?)>?:?\s*$/.exec(lines[i]!.slice(0, 600));
    if (!match) continue;
    const reply: string[] = [];
    for (let j = i + 1; j < lines.length && j <= i + 12 && /^\s{3,}\S/.test(lines[j]!); j++) reply.push(lines[j]!);
    found.push({ address: match[1]!, diagnostic: oneLine(reply.join(' ')) || 'failed' });
  }
  return found.length ? found : undefined;
}

/** Exim's marker before the copy of the original message. */
export const EXIM_COPY = /^-{3,} This is a copy of (?:the|your) message.*$/m;

/**
 * Legacy Exchange: the address, then within a few lines `Remote Server returned '550 5.1.1 …'`, or
 * as Exchange 2007 and 2010 write it, `#550 5.1.1 RESOLVER.ADR.RecipientNotFound; not found ##`.
 */
export function exchangeBlocks(text: string): TextBounce[] | undefined {
  const lines = text.split(/\r?\n/);
  const found: TextBounce[] = [];
  for (let i = 0; i < lines.length; i++) {
    const { at, reply } = exchangeReply(lines[i]!);
    if (at < 0) continue;
    for (let j = i; j >= Math.max(0, i - 3); j--) {
      const address = emailTokens(j === i ? lines[j]!.slice(0, at) : lines[j]!)[0];
      if (address) {
        found.push({ address, diagnostic: oneLine(reply) });
        break;
      }
    }
  }
  return found.length ? found : undefined;
}

/**
 * Office 365's later layout, read from its HTML: the "Original Message Details" table's row
 * `Recipient Address:` and the "Error Details" table's `Reported error:`. Only a row naming one
 * address is read: the server's words are about one recipient.
 */
export function officeDetails(text: string): TextBounce[] | undefined {
  const recipient = /^[ \t]*Recipient Address:[ \t]*(.{1,2000})$/im.exec(text);
  const reported = /^[ \t]*Reported error:[ \t]*(.{1,1000})$/im.exec(text);
  if (!recipient || !reported) return undefined;
  const addresses = [...new Set(emailTokens(recipient[1]!))];
  return addresses.length === 1 ? [{ address: addresses[0]!, diagnostic: oneLine(reported[1]!) }] : undefined;
}

/**
 * The failed addresses listed under a heading, each on a line of its own: Sendmail's "The following
 * addresses had permanent fatal errors" (its "transient non-fatal errors" are still retried), Gmail's
 * older "Delivery to the following recipient failed permanently:" and Lotus Domino's "was not
 * delivered to:". An address's reason is the indented lines below it (Sendmail's "(reason: …)"), or
 * else the section that follows the list ("Technical details of permanent failure:", "because:").
 * The list ends at a line of dashes (the transcript, the copy of the message) or that section.
 */
export function listedBlocks(text: string): TextBounce[] | undefined {
  const start = LISTED_HEADING.exec(text);
  if (!start) return undefined;
  const lines = text
    .slice(start.index + start[0].length)
    .split(EXIM_COPY)[0]!
    .split(/\r?\n/)
    .slice(1);
  const found: { address: string; reason: string[] }[] = [];
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.slice(0, 600);
    if (/^\s*-{3,}/.test(line) || REASON_HEADING.test(line)) {
      end = i;
      break;
    }
    const match = /^\s{0,8}<?([^<>\s@]{1,256}@[^<>\s@]{1,256}?)>?:?\s*$/.exec(line);
    if (match) found.push({ address: match[1]!, reason: [] });
    else if (found.length > 0 && /^\s+\S/.test(line)) found[found.length - 1]!.reason.push(line);
    else if (found.length > 0 && /^\S/.test(line)) {
      // Text at the margin below the list is its reason, not more of it: an address given further
      // down (one to write to for help) did not fail.
      end = i;
      break;
    }
  }
  if (found.length === 0) return undefined;
  // The section after the list gives the reason of the addresses that have none of their own.
  const section = oneLine(
    lines
      .slice(end)
      .join('\n')
      .split(/^[ \t]*-{3,}/m)[0]!
      .replace(REASON_HEADING, ' ')
      .slice(0, 1000),
  );
  return found.map(({ address, reason }) => ({
    address,
    diagnostic: oneLine(reason.join(' ')) || section || 'failed',
  }));
}

const LISTED_HEADING =
  /^.*(?:following (?:addresses|recipients?|address\(es\)) had permanent fatal errors|delivery to the following recipients? failed permanently:|was not delivered to:).*$/im;
const REASON_HEADING = /^[ \t]*(?:technical details of permanent failure:|because:)/im;

/** Where a line's quoted server reply starts (-1 without one), and the reply. */
function exchangeReply(line: string): { at: number; reply: string } {
  const at = line.indexOf("Remote Server returned '");
  if (at >= 0) {
    const rest = line.slice(at + 24);
    return { at, reply: rest.slice(0, Math.max(0, rest.indexOf("'")) || rest.length).slice(0, 1000) };
  }
  // Bounded and anchored: linear however long a hostile line is. Exchange 2010 writes the remote
  // server's name before the # ("mx1.example.com #550 5.1.1 … ##"); the address is not on that line.
  const hashed = /^\s{0,8}(?:[A-Za-z0-9.-]{1,255}[ \t]{1,8})?#([45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}[^#]{0,1000})##/.exec(
    line.slice(0, 1400),
  );
  if (hashed) return { at: 0, reply: hashed[1]!.trim() };
  const older = olderExchangeReply(line.slice(0, 1400));
  return older === undefined ? { at: -1, reply: '' } : { at: 0, reply: older };
}

/**
 * Older Exchange wraps the reply with the status it read from it: Exchange 2007 and 2010 passing on
 * a refusal from another Exchange or a smart host write `#< #5.1.1 smtp;550 5.1.1 …> #SMTP#` (the
 * server named before each # when known), Exchange 2003 `<mail.example.com #5.1.1 smtp;550 …>`,
 * each below the address. A reply giving no status of its own is read with the one before it.
 */
function olderExchangeReply(line: string): string | undefined {
  const wrapped =
    /^[ \t]{0,16}(?:[A-Za-z0-9.-]{1,255}[ \t]{1,8})?#<[A-Za-z0-9.-]{0,255}[ \t]{0,8}#([245]\.\d{1,3}\.\d{1,3})[ \t]/.exec(
      line,
    );
  const end = line.lastIndexOf('#SMTP#');
  let status: string | undefined;
  let inner: string | undefined;
  if (wrapped && end > wrapped[0].length) {
    status = wrapped[1];
    inner = line.slice(wrapped[0].length, end).replace(/>[ \t]*$/, '');
  } else {
    const angled = /^[ \t]{0,16}<[A-Za-z0-9.-]{1,255} #([245]\.\d{1,3}\.\d{1,3}) ([^\r\n]{1,1000})>[ \t]*$/.exec(line);
    if (!angled) return undefined;
    status = angled[1];
    inner = angled[2];
  }
  const reply = inner!.replace(/^[ \t]*smtp[ \t]*;[ \t]*/i, '').trim();
  return /[245]\.\d{1,3}\.\d{1,3}/.test(reply) ? reply : `${status} ${reply}`;
}

/**
 * The failed address and the server's reply on one line, as many mail systems write a report in the
 * reader's language with no heading this module knows ("Unzustellbar", "Non remis"):
 * `<user@example.com>: 550 5.1.1 Benutzer unbekannt`, or the address alone on its line with the reply
 * below it, indented. Only a line carrying a 5xx reply code counts, and only above the copy of the
 * message: the words around it are in a language nobody here reads.
 */
export function inlineReplies(text: string): TextBounce[] | undefined {
  const lines = text.split(/\r?\n/);
  const found: TextBounce[] = [];
  for (let i = 0; i < lines.length; i++) {
    // Anchored, with bounded classes that exclude "@": linear however long a hostile line is.
    const match = /^[ \t]{0,8}<([^<>\s@]{1,256}@[^<>\s@]{1,256})>:?[ \t]*(.{0,1000})$/.exec(lines[i]!.slice(0, 1400));
    if (!match) continue;
    const below = (lines[i + 1] ?? '').slice(0, 1000);
    const reply = match[2]!.trim() || (/^\s+5\d\d[ -]/.test(below) ? below : '');
    if (REPLY_CODE.test(reply)) found.push({ address: match[1]!, diagnostic: oneLine(reply) });
  }
  return found.length ? found : undefined;
}

/**
 * A permanent SMTP reply, after any "host … said:" words. A 4xx one in words nobody here reads may be
 * a notice that delivery is still being tried (Sendmail's "transient non-fatal errors"): not read.
 */
const REPLY_CODE = /^(?:[^\d]{0,200}?\s)?5\d\d[ -]/;

/** Only the words: one address and a clear "does not exist" is still a hard bounce. */
export function wordsOnly(text: string): TextBounce[] | undefined {
  const addresses = [...new Set(emailTokens(text))];
  if (addresses.length === 1 && saysMailboxUnknown(text)) {
    // The server's reply, with its status, over a heading that says the same ("Address not found").
    const lines = text.split(/\r?\n/).filter((l) => saysMailboxUnknown(l));
    const line = lines.find((l) => /\b[245]\.\d{1,3}\.\d{1,3}\b/.test(l)) ?? lines[0] ?? '';
    return [{ address: addresses[0]!, diagnostic: oneLine(line.slice(0, 1000)) }];
  }
  return undefined;
}

/** Address-shaped words of a text, found by splitting rather than scanning: linear in the length. */
function emailTokens(text: string): string[] {
  return text
    .split(/[\s<>'"(),;:[\]]+/)
    .filter((token) => token.length <= 320 && /^[^@]+@[^@]+\.[A-Za-z]{2,}$/.test(token))
    .map((token) => token.replace(/\.$/, ''));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
