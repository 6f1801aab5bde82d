import { header, type MimePart } from './_mime.js';
import { addressOf } from './_report-fields.js';
import { sesEventId } from './ses-notification.js';
import type { BounceEvent } from './types.js';

/**
 * Amazon SES forwards each bounce and complaint by mail (a report from MAILER-DAEMON@amazonses.com,
 * a complaint from complaints@email-abuse.amazonses.com) whose Message-ID is the event's feedback
 * id, the one SES's notification of the same event gives. A list taking both (the mail, and SNS to
 * serve's webhook or by mail) records the event once: read from the mail, it takes the id the
 * notification gives it, and keeps the one it had as an older id. Pure.
 */

/** The feedback id of a report SES itself wrote and forwarded; undefined for any other mail. */
export function sesFeedbackId(root: MimePart): string | undefined {
  const from = addressOf(header(root.headers, 'from'));
  if (!from || !/@(?:[a-z0-9-]+\.)*amazonses\.com$/i.test(from)) return undefined;
  return /^\s*<([0-9a-f]+(?:-[0-9a-f]+)+)@email\.amazonses\.com>\s*$/i.exec(
    header(root.headers, 'message-id') ?? '',
  )?.[1];
}

/**
 * `event` under the id SES's notification of it gives; one naming no address (a redacted complaint)
 * takes it once its reader is known, when it is applied.
 */
export function asSesEvent(event: BounceEvent, feedbackId: string): BounceEvent {
  if (event.address === undefined) return { ...event, sesFeedbackId: feedbackId };
  return {
    ...event,
    eventId: sesEventId(feedbackId, event.address),
    olderEventIds: [event.eventId, ...(event.olderEventIds ?? [])],
  };
}
