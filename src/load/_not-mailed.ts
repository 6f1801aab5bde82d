/**
 * What a column rolecast does not read says about the reader, beyond the words any column may hold
 * (see `_provider-columns.ts`): the subscription states providers export under their own headings
 * (Beehiiv's and MailerLite's `status`, Klaviyo's consent, HubSpot's opt-out, Brevo's blocklist),
 * yes/no flags saying the reader is active or confirmed, and dates saying when the reader left.
 * Headings arrive lower-cased with their accents left out.
 */

/** A heading about the reader's subscription, consent or standing with the list. */
const STANDING_HEADING =
  /status|state|consent|subscri|opt[-_ ]?in|newsletter|marketing|mailing|e-?mail|gdpr|permission|member|suppress|^type$/;
/** A heading about something else the reader has a status in: a payment, an order, a plan. */
const OTHER_SUBJECT = /pay|order|billing|invoice|plan|tier|ship|trial|account|sms|phone|text/;
/**
 * Words that, under such a heading, say the reader is not mailed: never confirmed (`pending`,
 * `unconfirmed`, `validating`), consent taken back (`revoked`, `withdrawn`), removed by the
 * provider (`cleaned`, `junk`, `invalid`), or only sent receipts (`transactional`). Only there:
 * "pending" in a payment column says nothing about the email.
 */
const NOT_MAILED_STANDING = new Set([
  'inactive',
  'pending',
  'unconfirmed',
  'not confirmed',
  'validating',
  'cleaned',
  'transactional',
  'archived',
  'junk',
  'invalid',
  'deleted',
  'disabled',
  'blocked',
  'spam',
  'unsubscribe',
  'opt-out',
  'optout',
  'opted_out',
  'never subscribed',
  'never_subscribed',
  // Shopify's email marketing states for a reader who never opted in, or whose data was erased.
  'not subscribed',
  'not_subscribed',
  'redacted',
  'non-marketing',
  'non-marketing contact',
  'revoked',
  'withdrawn',
  'declined',
  'denied',
  'refused',
  'rejected',
  'expired',
  'hard bounce',
  'hard_bounce',
  'user_suppressed',
  // Buttondown's types for a reader not mailed, under its newer `type` heading.
  'unactivated',
  'removed',
  'undeliverable',
  'spammy',
  'paused',
]);
/**
 * Headings of a flag that says the reader is mailed when yes ("active", "confirmed", Brevo's
 * `DOUBLE_OPT-IN`): a no under one says the reader left, or never confirmed. Anchored, so
 * Substack's `active_subscription` (a paid plan) is not one.
 */
const MAILED_FLAG =
  /^(?:(?:e-?mail|marketing|newsletter|is|has)[-_ ]?)?(?:active|enabled|confirmed|verified|double[-_ ]?opt[-_ ]?in(?:[-_ ]?confirmed)?|gdpr(?:[-_ ]?consent)?|mailing|newsletter|marketing|e-?mailable|can[-_ ]?e-?mail|allow[-_ ]?e-?mails?|accepts[-_ ]?e-?mails?)$/;
/**
 * Headings made only of words about the email a reader agreed to get, two or more of them: Shopify's
 * "Accepts Email Marketing" (`acceptsEmailMarketing` through its API), "Email Marketing Consent",
 * "Marketing emails", "Email subscription". A no under one says the reader never opted in.
 */
const AGREED_WORD =
  '(?:accepts?|allows?|agreed|e-?mails?|marketing|newsletters?|consent(?:ed)?|opt(?:ed)?[-_ ]?in|subscription|subscribed)';
const MAILED_WORDS = new RegExp(`^${AGREED_WORD}(?:[-_ ]?(?:to[-_ ]?)?${AGREED_WORD}){1,3}$`);
/**
 * Headings of a flag that says the reader is not mailed when yes, by a provider's prefix
 * (HubSpot's `hs_email_optout`, `hs_email_bad_address`) or a word of its own (Ghost's
 * `email_suppressed`, "Hard bounced", "Marked as spam").
 */
const NOT_MAILED_FLAG =
  /^(?:(?:hs|mc|ac|sib|kl)[-_ ])?(?:(?:e-?mail|marketing|newsletter|is|has)[-_ ]?)?(?:opt(?:ed)?[-_ ]?out|un[-_ ]?subscribed|bad[-_ ]?address|hard[-_ ]?bounced?|suppressed|spam[-_ ]?(?:reported|complaint)|marked[-_ ]?as[-_ ]?spam|blocked|deleted|global[-_ ]?unsubscribe)$/;
/**
 * Headings of the time the reader left ("unsubscribed_at", "unsubscribedAt", "Date unsubscribed",
 * "opted_out_on", "bounced_at"): any time under one says they left.
 */
const LEFT_AT =
  /^(?:(?:date|time|when)[-_ ]?)?(?:e-?mail[-_ ]?|marketing[-_ ]?)?(?:un[-_ ]?sub(?:scribed?)?|opt(?:ed)?[-_ ]?out|bounced|hard[-_ ]?bounced|cleaned|deleted|blocklisted|blacklisted|suppressed|complained|spam[-_ ]?reported)(?:[-_ ]?(?:at|on|date|time|timestamp|since))$/;
const LEFT_AT_PREFIXED =
  /^(?:date|time|when)[-_ ]?(?:e-?mail[-_ ]?|marketing[-_ ]?)?(?:un[-_ ]?sub(?:scribed?)?|opt(?:ed)?[-_ ]?out|bounced|cleaned|deleted|blocklisted|blacklisted|suppressed|complained)$/;
/**
 * Headings of a list naming what the reader left (Brevo's `listUnsubscribed`, Klaviyo's
 * `suppression`): any entry says they left. And headings of the lists a reader gets (Ghost's
 * `newsletters`): none says they get no email.
 */
const LEFT_LIST = /^(?:list[-_ ]?unsubscribed|unsubscribed[-_ ]?(?:from[-_ ]?)?lists?|suppressions?|suppression)$/;
const MAILED_LIST = /^(?:newsletters|subscriptions|lists|subscribed[-_ ]?lists|list[-_ ]?ids)$/;
const NO = new Set(['false', 'no', 'n', '0', 'nein', 'non', 'nee', 'falsch', 'faux', 'falso', 'off']);
const YES = new Set(['true', 'yes', 'y', '1', 'x', 'ja', 'oui', 'si', 'sim', 'vrai', 'wahr', 'on']);
/** Cells that say no time: the reader has not left. */
const NO_TIME = new Set(['', 'null', 'none', 'never', 'n/a', '-', 'false', '0', 'no']);
/** Longer cells hold none of the words above (a date is read whatever its length). */
const LONGEST_WORD = 24;

/**
 * Headings that hold the reader's status itself ("Subscription status", `email_status`, "Consent
 * state"), not only a mention of email: their cell is read word by word, as a sentence a provider
 * or an editor wrote ("Pending confirmation", "Unsubscribed by admin", `not_confirmed`).
 */
const STATUS_HEADING = /(?:status|state|consent|subscription|opt[-_ ]?in)$/;
/** A status sentence this long at most is read (a note is longer). */
const LONGEST_STATUS = 48;
/** Words that, in such a sentence, say the reader is not mailed, unless it also says they are. */
const NOT_MAILED_WORDS = new Set([
  'pending',
  'awaiting',
  'unconfirmed',
  'unverified',
  'unsubscribed',
  'unsubscribe',
  'bounced',
  'cleaned',
  'blocked',
  'blocklisted',
  'blacklisted',
  'suppressed',
  'complained',
  'revoked',
  'withdrawn',
  'inactive',
  'deleted',
  'removed',
]);
const MAILED_WORDS_SAID = new Set(['active', 'subscribed', 'confirmed', 'verified', 'enabled', 'resubscribed']);
/** Phrases saying the reader is not mailed whatever else the sentence says. */
const NOT_MAILED_PHRASE =
  /\b(?:(?:not|never|no longer)(?: yet)? (?:confirmed|verified|subscribed|opted in|active)|do not (?:e ?mail|mail|contact)|hard bounced?|opted out|marked as spam)\b/;

/** Whether a status sentence says the reader is not mailed. */
function statusSaysNotMailed(cell: string): boolean {
  const spaced = cell.replace(/[^a-z]+/g, ' ').trim();
  if (NOT_MAILED_PHRASE.test(spaced)) return true;
  const words = spaced.split(' ');
  return words.some((word) => NOT_MAILED_WORDS.has(word)) && !words.some((word) => MAILED_WORDS_SAID.has(word));
}

/** The mark `_left-fields.ts` writes for a JSON list's value: its entries' count. */
export function listCell(value: readonly unknown[]): string {
  return value.length === 0 ? '[]' : `[${value.length} ${value.length === 1 ? 'entry' : 'entries'}]`;
}

/**
 * Whether a column rolecast does not read says the reader is not mailed. `heading` lower-cased
 * without accents, `cell` trimmed and lower-cased, `last` the heading's last part when the field
 * sat inside an object (`email_suppression` → `suppressed`).
 */
export function saysNotMailed(heading: string, cell: string, last = heading): boolean {
  if (cell.startsWith('[') && cell.endsWith(']'))
    return (LEFT_LIST.test(last) && cell !== '[]') || (MAILED_LIST.test(last) && cell === '[]');
  if (LEFT_AT.test(last) || LEFT_AT_PREFIXED.test(last)) return !NO_TIME.has(cell);
  if (
    cell.length <= LONGEST_STATUS &&
    STATUS_HEADING.test(last) &&
    !OTHER_SUBJECT.test(heading) &&
    statusSaysNotMailed(cell)
  )
    return true;
  if (cell.length > LONGEST_WORD) return false;
  if ((MAILED_FLAG.test(last) || MAILED_WORDS.test(last)) && NO.has(cell)) return true;
  if (NOT_MAILED_FLAG.test(last) && YES.has(cell)) return true;
  return (
    STANDING_HEADING.test(heading) && !OTHER_SUBJECT.test(heading) && NOT_MAILED_STANDING.has(cell.replace(/\s+/g, ' '))
  );
}
