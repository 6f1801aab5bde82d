import { createHash } from 'node:crypto';
import { canonicalAddress } from '../address.js';
import { htmlText } from './_html.js';
import {
  decodeWords,
  type HeaderList,
  header,
  headerValues,
  type MimePart,
  parseHeaders,
  parseMessage,
  recipientFieldGroups,
  utf8,
  walkParts,
} from './_mime.js';
import { collectHints, ownWords, quotedSubjects } from './_quoted-original.js';
import { addressesIn, addressOf, normaliseStatus, parseDate, stripType } from './_report-fields.js';
import { isAutoReply, isChallengeResponse } from './auto-reply.js';
import { classifyFailure, feedbackType, findStatus } from './classify.js';
import { isMicrosoftComplaint, microsoftRecipient } from './microsoft-complaint.js';
import { asSesEvent, sesFeedbackId } from './ses-forwarded.js';
import { readSesMail } from './ses-mail.js';
import {
  exchangeBlocks,
  eximBlocks,
  inlineReplies,
  listedBlocks,
  officeDetails,
  qmailBlocks,
  wordsOnly,
} from './text-report.js';
import type { BounceEvent, SourceHints } from './types.js';

/**
 * Reads one mail message that may be a bounce or a complaint:
 * - RFC 3464 multipart/report with a message/delivery-status part (Postfix, Exim, Exchange,
 *   Gmail, Sendmail): one event per recipient whose Action is `failed` (delayed, delivered,
 *   relayed and expanded are not bounces);
 * - RFC 5965 ARF feedback reports (Yahoo, Microsoft, Fastmail…): one complaint for
 *   Feedback-Type abuse or fraud;
 * - the common plain-text forms without a machine-readable part: qmail-style `<address>:` blocks
 *   (Yahoo's "Failure Notice") and legacy Exchange NDRs ("Remote Server returned '550 …'");
 * - an Amazon SES notification's JSON mailed by an SNS email subscription (see ses-mail.ts).
 * Anything else (an auto-reply, a newsletter) yields no event. Pure: no I/O.
 */

export interface ReadResult {
  events: BounceEvent[];
  /** Why the message gave no event: not a report, or a report of nothing that failed. */
  ignored?: string | undefined;
}

export function readReport(raw: string | Buffer, source: string, now: Date): ReadResult {
  const root = parseMessage(raw);
  const read = readParsed(root, raw, source, now);
  // SES's own report of an event its notification also gives (see ses-forwarded.ts).
  const feedbackId = sesFeedbackId(root);
  return feedbackId ? { ...read, events: read.events.map((e) => asSesEvent(e, feedbackId)) } : read;
}

function readParsed(root: MimePart, raw: string | Buffer, source: string, now: Date): ReadResult {
  const identity = reportIdentity(root, raw);
  const own = ownText(root);
  const hints = collectHints(root, own);
  const date = parseDate(header(root.headers, 'date')) ?? now;
  const parts = walkParts(root);
  const ctx = { identity, hints, source, date };

  const feedback = parts.find((p) => p.type === 'message/feedback-report');
  if (feedback) return readFeedback(parseHeaders(utf8(feedback.body)), parts, ctx);
  if (isMicrosoftComplaint(root, parts)) return readFeedback([['user-agent', 'Microsoft JMRP']], parts, ctx);

  const text = own ?? parts.find((p) => p.type === 'text/plain')?.body ?? '';
  // What is read from a text made of HTML needs the original it quotes to show this list's mail.
  const fromText =
    own !== undefined && firstOwnPart(root, 'text/plain') === undefined
      ? { ...ctx, hints: { ...hints, fromHtmlAlone: true } }
      : ctx;
  const statuses = statusParts(root, parts);
  if (statuses.length === 0) return readSesMail(utf8(text), source, date) ?? readPlainText(root, text, fromText);
  const report = readDeliveryStatuses(statuses, ctx);
  if (report.events.length > 0 || report.ignored !== NO_RECIPIENT) return report;
  // Google Workspace sends some notices with a delivery-status part holding nothing: the failed
  // address and the reply are only in its text, read as a plain-text report's are.
  // Only the mailboxes its X-Failed-Recipients names failed: another address in its text (the
  // sender's own, in a notice about its 'Send mail as' setup) is no recipient of the message.
  // Compared as the suppression list keys a mailbox: Google may write one with its domain in
  // punycode and the other in Unicode.
  const failed = new Set(
    headerValues(root.headers, 'x-failed-recipients')
      .flatMap(addressesIn)
      .map((a) => canonicalAddress(a)),
  );
  const events = readPlainText(root, text, fromText).events.filter(
    (e) => failed.size === 0 || (e.address !== undefined && failed.has(canonicalAddress(e.address))),
  );
  return events.length > 0 ? { events } : report;
}

interface Context {
  identity: string;
  hints: SourceHints;
  source: string;
  date: Date;
}

/** Delivery-status parts: each the report's own (an MTA writing one per recipient), else the first found, in what it encloses too. */
function statusParts(root: MimePart, parts: readonly MimePart[]): MimePart[] {
  const own: MimePart[] = [];
  const visit = (part: MimePart) => {
    if (isStatusPart(part)) own.push(part);
    if (part.type.startsWith('multipart/')) for (const child of part.parts) visit(child);
  };
  visit(root);
  const first = parts.find(isStatusPart);
  return own.length > 0 ? own : first ? [first] : [];
}

function isStatusPart(part: MimePart): boolean {
  return part.type === 'message/delivery-status' || part.type === 'message/global-delivery-status';
}

/** Every status part's recipients; why none failed, as the first part says, when none did. */
function readDeliveryStatuses(parts: readonly MimePart[], ctx: Context): ReadResult {
  const reports = parts.map((part) => readDeliveryStatus(part, ctx));
  const events = reports.flatMap((r) => r.events);
  return events.length > 0 ? { events } : (reports.find((r) => r.ignored !== NO_RECIPIENT) ?? reports[0]!);
}

function readDeliveryStatus(part: MimePart, ctx: Context): ReadResult {
  const groups = recipientFieldGroups(utf8(part.body));
  const perMessage = groups[0] ?? [];
  const arrival = parseDate(header(perMessage, 'arrival-date'));
  const events: BounceEvent[] = [];
  let seen = 0;
  for (const fields of groups) {
    // The address the message was sent to: a forwarding mailbox rewrites Final-Recipient to the
    // address it forwards to, and only Original-Recipient still names the reader on the list.
    const final = addressOf(header(fields, 'final-recipient'));
    const recipient = addressOf(header(fields, 'original-recipient')) ?? final;
    if (!recipient) continue;
    seen++;
    const diagnostic = stripType(header(fields, 'diagnostic-code') ?? '');
    const status = normaliseStatus(header(fields, 'status')) ?? findStatus(diagnostic);
    // Without the Action RFC 3464 asks for, a temporary status is a delay still being retried, and
    // a recipient with no status or words either (a report cut off after its address) says nothing.
    const action = (
      header(fields, 'action') ?? (status?.startsWith('4') ? 'delayed' : status || diagnostic ? 'failed' : '')
    )
      .toLowerCase()
      .split(/[\s(]/)[0];
    if (action !== 'failed') continue;
    const when = parseDate(header(fields, 'last-attempt-date')) ?? arrival ?? ctx.date;
    const details = {
      kind: classifyFailure(status, diagnostic),
      status,
      diagnostic: diagnostic || `status ${status ?? 'unknown'}`,
      at: when,
    };
    const found = event(ctx, recipient, details);
    // Earlier releases named the event by Final-Recipient: the same report imported again is the same event.
    if (final !== undefined && final !== recipient) found.legacyEventId = event(ctx, final, details).eventId;
    events.push(found);
  }
  if (events.length > 0) return { events };
  return {
    events,
    ignored: seen ? 'a delivery report with no failed recipient (delayed or delivered)' : NO_RECIPIENT,
  };
}

const NO_RECIPIENT = 'a delivery report naming no recipient';

function readFeedback(fields: HeaderList, parts: readonly MimePart[], ctx: Context): ReadResult {
  const { type, spam } = feedbackType(header(fields, 'feedback-type'));
  if (!spam) return { events: [], ignored: `a feedback report of type ${type}` };
  const named = [header(fields, 'original-rcpt-to'), header(fields, 'removal-recipient')].map(addressOf);
  // Microsoft names the reader only on the original it encloses (see microsoft-complaint.ts).
  const given = [...named, addressOf(microsoftRecipient(parts))];
  const recipient = given.find((address) => address !== undefined && !isRedacted(address));
  const agent = header(fields, 'user-agent');
  const details = {
    kind: 'complaint' as const,
    status: undefined,
    diagnostic: `complaint (feedback type ${type}${agent ? `, from ${agent}` : ''})`,
    at: parseDate(header(fields, 'arrival-date') ?? header(fields, 'received-date')) ?? ctx.date,
  };
  const found = event(ctx, recipient, details);
  // Earlier releases named the event by the first address its report part gave, redacted or not: the
  // same report imported again is the same event.
  const earlier = named.find((address) => address !== undefined);
  if (earlier !== recipient) found.legacyEventId = event(ctx, earlier, details).eventId;
  // Releases since, until Microsoft's header was read, named it by the first unredacted address its
  // report part gave, or by none.
  const unredacted = named.find((address) => address !== undefined && !isRedacted(address));
  if (unredacted !== recipient && unredacted !== earlier)
    found.olderEventIds = [event(ctx, unredacted, details).eventId];
  if (recipient === undefined) found.lookalikeAddress = given.find((address) => address !== undefined);
  return { events: [found] };
}

/**
 * A feedback loop's stand-in for the reader's address (RFC 6590): "redacted@…", "xxxxxxxx@…",
 * "***@…". It names nobody; read as an address it would suppress a made-up mailbox in place of
 * the reader who complained.
 */
function isRedacted(address: string): boolean {
  return /^(?:\[?redacted\]?|x{3,}|\*+|#+)@/i.test(address);
}

/** Looks like a bounce at all: from a mailer daemon or postmaster, or saying so in the subject. */
function looksLikeBounce(root: MimePart): boolean {
  return /postmaster/i.test(header(root.headers, 'from') ?? '') || saysItBounced(root);
}

/**
 * Says it is a bounce, not only that a postmaster wrote it: from a mailer daemon, or a subject
 * saying the mail was not delivered. A company's postmaster also sends auto-replies with an
 * ordinary subject ("Your weekly digest") and no auto-reply header.
 */
function saysItBounced(root: MimePart): boolean {
  const from = header(root.headers, 'from') ?? '';
  const subject = decodeWords(header(root.headers, 'subject') ?? '');
  return (
    /mailer-daemon|mail delivery (?:subsystem|system)/i.test(from) ||
    /undeliver|delivery (?:status notification|failure|has failed)|failure notice|returned mail|could not be delivered|not (?:been )?delivered|non-?deliver/i.test(
      subject,
    ) ||
    NOT_DELIVERED.test(subject)
  );
}

/**
 * "Not delivered" as mail systems write it in the reader's language: German, French, Spanish, Dutch,
 * Italian, Portuguese, Polish and Japanese.
 */
const NOT_DELIVERED =
  /unzustellbar|nicht zustellbar|non remis|[ée]chec de (?:la )?remise|no se (?:puede|pudo) entregar|onbestelbaar|non recapitabil|n[ãa]o (?:foi )?entregue|niedostarczal|nie (?:mo[żz]na )?dostarczy|配信(?:不能|できません|エラー|失敗)|送信(?:エラー|失敗)|エラーメール/i;

function readPlainText(root: MimePart, body: string, ctx: Context): ReadResult {
  if (!looksLikeBounce(root)) return { events: [], ignored: 'not a delivery report or feedback report' };
  if (isAutoReply(root)) return { events: [], ignored: 'an auto-reply (out of office), not a delivery report' };
  const text = utf8(body);
  // A warning that delivery is still being tried (Exim's "delayed", Exchange's "(Delay)") is no
  // failure, whatever code the last attempt got.
  if (isDelayNotice(decodeWords(header(root.headers, 'subject') ?? ''), text))
    return { events: [], ignored: 'a delay notice (delivery is still being tried)' };
  // Only the notice's own words: the copy of the digest it may quote can ask for "approved senders".
  if (isChallengeResponse(root, ownWords(text), quotedSubjects(root, text)))
    return {
      events: [],
      ignored: 'a challenge-response notice (a filter asking the sender to prove itself), not a bounce',
    };
  // Words alone ("the mailbox … does not exist") are read only from a message that says it bounced.
  const found =
    qmailBlocks(text) ??
    eximBlocks(text) ??
    exchangeBlocks(text) ??
    officeDetails(text) ??
    listedBlocks(text) ??
    (saysItBounced(root) ? (inlineReplies(ownWords(text)) ?? wordsOnly(text)) : undefined);
  if (!found?.length) return { events: [], ignored: 'a bounce whose failed recipient could not be read' };
  return {
    events: found.map(({ address, diagnostic }) => {
      const status = findStatus(diagnostic);
      return event(ctx, address, {
        kind: classifyFailure(status, diagnostic),
        status,
        diagnostic,
        at: ctx.date,
      });
    }),
  };
}

/** "Delayed" in the languages NOT_DELIVERED reads, and "warning" in German and French. */
const DELAYED = /verz[öo]gert|retard[ée]e?|retrasad|vertraagd|ritardat|atrasad|opó[źz]nion|warnung|avertissement|遅延/i;

function isDelayNotice(subject: string, text: string): boolean {
  if (/\bdelay(?:ed)?\b|\bwarning\b|still being (?:retried|tried)/i.test(subject) || DELAYED.test(subject)) return true;
  const head = text.slice(0, 4000);
  return (
    /has not (?:yet )?been delivered|has been delayed|delivery .{0,40}has been delayed|this is a warning message only|no action is required on your part|will (?:continue to )?(?:re)?try (?:to deliver|delivering|for)/i.test(
      head,
    ) && !/permanent(?:ly)? (?:error|fail)|could not be delivered|gave up|giving up/i.test(head)
  );
}

/**
 * The report's own text: the first text part outside any enclosed original message; without one,
 * the text of its first HTML part (Office 365's report passed on as HTML alone).
 */
function ownText(root: MimePart): string | undefined {
  const plain = firstOwnPart(root, 'text/plain');
  if (plain !== undefined) return plain;
  const html = firstOwnPart(root, 'text/html');
  return html === undefined ? undefined : Buffer.from(htmlText(utf8(html)), 'utf8').toString('latin1');
}

function firstOwnPart(part: MimePart, type: string): string | undefined {
  if (part.type === type) return part.body;
  if (!part.type.startsWith('multipart/')) return undefined;
  for (const child of part.parts) {
    const text = firstOwnPart(child, type);
    if (text !== undefined) return text;
  }
  return undefined;
}

function event(
  ctx: Context,
  address: string | undefined,
  details: Pick<BounceEvent, 'kind' | 'status' | 'diagnostic' | 'at'>,
): BounceEvent {
  const eventId = `${ctx.source.split(':')[0]}:${sha(`${ctx.identity}\0${address ?? ''}\0${details.kind}`)}`;
  return {
    eventId,
    address,
    source: ctx.source,
    hints: ctx.hints,
    ...details,
    diagnostic: details.diagnostic.slice(0, 1000),
  };
}

/**
 * What makes two copies of a report the same report: its Message-ID, else its bytes. The id
 * never depends on where it was read from, so a file imported twice (or from two paths) counts once.
 */
function reportIdentity(root: MimePart, raw: string | Buffer): string {
  const messageId = header(root.headers, 'message-id');
  return messageId ? `mid:${messageId.trim()}` : `sha:${sha(raw)}`;
}

function sha(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}
