import { parseJson, record, text } from './_json.js';
import { readSesNotification, sesNotificationType, sesSkipped } from './ses-notification.js';
import type { BounceEvent } from './types.js';

/**
 * An Amazon SES notification mailed by an SNS email subscription ("AWS Notification Message" from
 * no-reply@sns.amazonaws.com): its text is the notification's JSON, then SNS's footer below a line
 * "--" (protocol Email), or SNS's envelope holding that JSON as its `Message` (Email-JSON). Nobody
 * checks a signature here, so it is a report from the mailbox like any other: when VERP is on,
 * believed only through a VERP address whose token verifies (its `mail.source`, or the original's
 * Return-Path among its headers), else by the address it names. Its events keep the ids serve's SES
 * webhook gives them, so a notification that comes both ways counts once.
 * Undefined when the text is no such notification. Pure.
 */

export type SesMail = { events: BounceEvent[]; ignored?: string | undefined };

export function readSesMail(body: string, source: string, date: Date): SesMail | undefined {
  const written = body.trim();
  if (!written.startsWith('{')) return undefined;
  // A line "--" never occurs inside JSON: its strings hold no line end.
  let note = record(jsonOf(written.split(/\r?\n--[ \t]*\r?\n/)[0]!));
  const message = text(note.Message);
  if (text(note.Type) === 'Notification' && message !== undefined) note = record(jsonOf(message));
  const type = sesNotificationType(note);
  if (type === undefined || Object.keys(record(note.mail)).length === 0) return undefined;
  const events = readSesNotification(note, date, type).map((event) => ({ ...event, source }));
  return events.length > 0 ? { events } : { events, ignored: sesSkipped(note, type) };
}

function jsonOf(value: string): unknown {
  return parseJson(Buffer.from(value, 'utf8'));
}
