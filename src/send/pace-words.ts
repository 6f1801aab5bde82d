/**
 * The words servers use to ask the sender to slow down or wait (Gmail, Microsoft, SES, Postfix's
 * anvil): one list, so a reply is read the same wherever it is read for them — whether a refusal
 * is throttling rather than about the reader (retry.ts), greylisting (greylist.ts), a cap on the
 * session's messages (wire/session-cap.ts) or a session ended for its idle time (wire/idle-close.ts).
 * Whole words only: "rate" inside a host name ("corporate.example.com") says nothing of a pace, nor
 * does a rate of something else ("high bounce rate").
 */
const PACE_WORDS =
  /\brate[ -]?limit|\bratelimit|\b(?:sending|submission|message|messages|send|mail|email|connection) rate\b|\brate (?:exceeded|limited)\b|\btoo many (?:messages|connections|mails|emails|requests)\b|\bthrottl|\bslow(?:ing)? down\b|\bper (?:second|minute|hour|day)\b|\bthis (?:minute|hour|day)\b|\btoday\b/i;

/**
 * A quota is a pace unless it is the reader's mailbox that is full ("552 Mailbox quota exceeded",
 * "452 user is over quota"): that says nothing of the run, and the reader's refusal stands.
 */
const QUOTA = /\bquota\b/i;
/** A quota named for what is sent is a pace, whatever else the reply says ("your account's sending quota"). */
const SENDING_QUOTA =
  /\b(?:sending|send|submission|relay|outbound|hourly|daily|message|messages|recipient|recipients) quota\b/i;
const MAILBOX_QUOTA =
  /\b(?:mailbox|mail box|inbox|disk|storage|user)\b[^.;]*\bquota\b|\bquota\b[^.;]*\b(?:mailbox|mail box|inbox|disk|storage)\b|\bover (?:its |the |his |her |their )?quota\b/i;

/**
 * Addresses quoted in a reply: a reader chooses their own, and one spelt like these words
 * ("ratelimit@…" in "550 <…>: User unknown") must not make that reader's refusal slow the run.
 */
const QUOTED_ADDRESS = /<[^<>]*>|[^\s<>]+@[^\s<>]+/g;

/** The reply with the addresses it quotes taken out. */
export function withoutAddresses(reply: string): string {
  return reply.replace(QUOTED_ADDRESS, '<address>');
}

/** Whether the server's words ask for a slower pace or speak of a quota over time. */
export function speaksOfPace(reply: string): boolean {
  const words = withoutAddresses(reply);
  return PACE_WORDS.test(words) || SENDING_QUOTA.test(words) || (QUOTA.test(words) && !MAILBOX_QUOTA.test(words));
}
