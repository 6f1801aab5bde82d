import { hashedAddress } from '../store/hash.js';
import { dateOf, record, text } from './_json.js';
import { classifyFailure, type FeedbackType, feedbackType, findStatus } from './classify.js';
import { type BounceEvent, emptyHints, type SourceHints } from './types.js';

/**
 * What an Amazon SES notification says: one event per bounced or complained recipient, with the
 * hints its `mail` object carries (the envelope sender, a VERP address; the original's headers).
 * The same JSON comes signed to serve's SES webhook and unsigned in a mail from an SNS email
 * subscription; whom it is believed about is the caller's to decide. Pure.
 */

/** What kind of SES notification `note` is: `notificationType`, or `eventType` in the event-publishing shape. */
export function sesNotificationType(note: Record<string, unknown>): string | undefined {
  return text(note.notificationType) ?? text(note.eventType);
}

/**
 * SES bounce and complaint notifications (and the event-publishing shape, with `eventType`);
 * `type` is the one `sesNotificationType` gives, for a caller that has already read it.
 */
export function readSesNotification(
  value: unknown,
  now: Date,
  type = sesNotificationType(record(value)),
): BounceEvent[] {
  const note = record(value);
  const mail = record(note.mail);
  const hints = sesHints(mail);
  if (type === 'Bounce') {
    const bounce = record(note.bounce);
    return recipientEvents(bounce, 'bouncedRecipients', mail, hints, now, (recipient) => {
      const given = text(recipient.diagnosticCode);
      const diagnostic = given ?? `${text(bounce.bounceType)} bounce (${text(bounce.bounceSubType) ?? 'General'})`;
      const written = text(recipient.status);
      const status = written && /^[245]\.\d{1,3}\.\d{1,3}$/.test(written) ? written : undefined;
      return {
        kind: sesKind(text(bounce.bounceType), text(bounce.bounceSubType), status, given),
        status,
        diagnostic: diagnostic.slice(0, 1000),
      };
    });
  }
  if (type === 'Complaint') {
    const feedback = sesFeedbackType(note);
    if (!feedback.spam) return [];
    return recipientEvents(record(note.complaint), 'complainedRecipients', mail, hints, now, () => ({
      kind: 'complaint',
      status: undefined,
      diagnostic: `complaint${feedback.written ? ` (feedback type ${feedback.written})` : ''}`,
    }));
  }
  return [];
}

/**
 * Why a notification gave no event, for the log or the import's summary: a complaint of another
 * feedback type, a bounce or complaint naming nobody, or another kind of notification (a delivery;
 * mail SES received for one of the sender's addresses, whose own content is not read here).
 */
export function sesSkipped(note: Record<string, unknown>, type = sesNotificationType(note)): string {
  const feedback = sesFeedbackType(note);
  if (type === 'Complaint' && !feedback.spam)
    return `an Amazon SES complaint notification of feedback type ${feedback.written}, not a spam complaint`;
  if (type === 'Bounce' || type === 'Complaint')
    return `an Amazon SES ${type.toLowerCase()} notification naming no recipient it is about`;
  if (type === 'Received')
    return 'an Amazon SES Received notification (mail SES received for one of your addresses), not a bounce or complaint';
  return `an Amazon SES ${type ?? 'untyped'} notification, not a bounce or complaint`;
}

/** The feedback type of a complaint notification's report, as SES passes it on. */
function sesFeedbackType(note: Record<string, unknown>): FeedbackType {
  return feedbackType(text(record(note.complaint).complaintFeedbackType));
}

/** The hints the notification's `mail` object carries: the envelope sender and the original's headers. */
function sesHints(mail: Record<string, unknown>): SourceHints {
  const hints = emptyHints();
  const common = record(mail.commonHeaders);
  const messageId = text(common.messageId);
  if (messageId) hints.messageIds.push(messageId);
  for (const from of Array.isArray(common.from) ? common.from : [])
    if (typeof from === 'string') hints.senders.push(from);
  const source = text(mail.source);
  if (source) hints.verpCandidates.push(source);
  for (const h of Array.isArray(mail.headers) ? mail.headers : []) {
    const name = text(record(h).name)?.toLowerCase();
    const headerValue = text(record(h).value);
    if (!headerValue) continue;
    if (name === 'message-id') hints.messageIds.push(headerValue);
    if (name === 'return-path') hints.verpCandidates.push(headerValue.replace(/^<|>$/g, ''));
    if (name === 'list-unsubscribe') hints.unsubscribeLinks.push(headerValue);
    if (name === 'list-id') hints.listIds.push(headerValue);
    if (name === 'from') hints.senders.push(headerValue);
  }
  return hints;
}

/**
 * One event per recipient the bounce or complaint object lists under `field`, identified by its
 * feedback id (else the message's), dated by its timestamp; `describe` says what kind it is.
 */
function recipientEvents(
  report: Record<string, unknown>,
  field: 'bouncedRecipients' | 'complainedRecipients',
  mail: Record<string, unknown>,
  hints: SourceHints,
  now: Date,
  describe: (recipient: Record<string, unknown>) => Pick<BounceEvent, 'kind' | 'status' | 'diagnostic'>,
): BounceEvent[] {
  const id = text(report.feedbackId) ?? text(mail.messageId) ?? '';
  const recipients = Array.isArray(report[field]) ? (report[field] as unknown[]) : [];
  return recipients.flatMap((r): BounceEvent[] => {
    const recipient = record(r);
    const email = text(recipient.emailAddress);
    if (!email || !id) return [];
    const { kind, status, diagnostic } = describe(recipient);
    return [
      {
        eventId: sesEventId(id, email),
        legacyEventId: legacyEventId(id, email),
        kind,
        address: email,
        status,
        diagnostic,
        source: 'ses',
        at: dateOf(report.timestamp, now),
        hints,
      },
    ];
  });
}

/** SES's own verdicts that the address is bad: it has no mailbox, or SES will not send to it after earlier hard bounces. */
const SES_HARD_SUBTYPES = new Set(['NoEmail', 'Suppressed', 'OnAccountSuppressionList']);

/**
 * SES calls every 5xx refusal `Permanent`, a DMARC failure or a block list too (subtype General),
 * which says nothing against the reader's address: read by its status and words, as the same
 * refusal from a mailbox, SendGrid or Mailgun is (see bounces/classify.ts), or one such mistake
 * would suppress every reader of a provider for good. A Permanent bounce quoting no server's words
 * is SES's own verdict, and hard, also when it gives the bare status 5.0.0 (SES writes that for a
 * failure it has no finer code for): that status says only "permanent", which is all SES said.
 */
function sesKind(
  type: string | undefined,
  subType: string | undefined,
  status: string | undefined,
  diagnostic: string | undefined,
): BounceEvent['kind'] {
  if (type !== 'Permanent') return 'soft';
  const words = diagnostic ?? '';
  const onlyPermanent = status === undefined || status === '5.0.0';
  if (SES_HARD_SUBTYPES.has(subType ?? '') || (onlyPermanent && words.trim() === '')) return 'hard';
  return classifyFailure(
    status?.endsWith('.0.0') ? (findStatus(words) ?? status) : (status ?? findStatus(words) ?? '5.0.0'),
    words,
  );
}

/**
 * One recipient's event of an SES notification. The address is hashed: an event id is never
 * rewritten, so one holding the address would keep it after `subscribers forget`.
 */
export function sesEventId(id: string, email: string): string {
  return `ses:${id}:${hashedAddress(email)}`;
}

/** The id earlier releases stored it under, address and all (`forget` rewrites those, see store). */
function legacyEventId(id: string, email: string): string {
  return `ses:${id}:${email.toLowerCase()}`;
}
