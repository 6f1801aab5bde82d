import { saysNotMailed } from './_not-mailed.js';

/**
 * Buttondown's `subscriber_type`s that mean the reader is mailed. Every other type Buttondown
 * documents means they are not: never confirmed, left, removed, complained, bounced, paused.
 */
const BUTTONDOWN_MAILED = ['regular', 'premium', 'gifted', 'trialed', 'churning', 'past_due', 'unpaid'];
const BUTTONDOWN_NOT_MAILED = [
  'unactivated',
  'unsubscribed',
  'removed',
  'complained',
  'undeliverable',
  'spammy',
  'paused',
  'disabled',
  'blocked',
];
const SUBSTACK_DISABLED = ['true', '1', 'yes'];
const SUBSTACK_ENABLED = ['false', '0', 'no'];
/**
 * Mailchimp's contact table export: its "Email Marketing" column. Only `Subscribed` readers opted
 * in; a non-subscribed contact (a shop customer) never did.
 */
const MAILCHIMP_MAILED = ['subscribed'];
const MAILCHIMP_NOT_MAILED = [
  'unsubscribed',
  'non-subscribed',
  'nonsubscribed',
  'cleaned',
  'pending',
  'archived',
  'transactional',
];
/** Kit's (ConvertKit's) subscriber states other than `active`: left, cancelled, bounced, complained. */
const KIT_NOT_MAILED = ['inactive', 'cancelled', 'bounced', 'complained'];
/**
 * Cell words that say a reader is not to be mailed, in any export: a column rolecast does not read
 * holding one (Buttondown's newer `type`, a spreadsheet's "Subscription") would otherwise be passed
 * over with a warning, and the reader mailed.
 */
const SAYS_LEFT = [
  'unsubscribed',
  'cleaned',
  'bounced',
  'complained',
  'blocklisted',
  'blacklisted',
  'suppressed',
  'undeliverable',
  'opted out',
  'opted-out',
  // The same in the languages providers export in (Mailchimp, Brevo, MailerLite), accents left out.
  'abgemeldet',
  'ausgetragen',
  'abbestellt',
  'bereinigt',
  'nicht abonniert',
  'desabonne',
  'desabonnee',
  'desinscrit',
  'desinscrite',
  'non abonne',
  'nettoye',
  'blackliste',
  'dado de baja',
  'dada de baja',
  'de baja',
  'desuscrito',
  'desuscrita',
  'no suscrito',
  'rebotado',
  'descadastrado',
  'descadastrada',
  'desinscrito',
  'desinscrita',
  'disiscritto',
  'disiscritta',
  'afgemeld',
  'uitgeschreven',
];
/**
 * Column names that say a reader left when their cell is yes: a spreadsheet's own "Unsubscribed",
 * and CRMs' "Email Opt Out" (Salesforce, Zoho; `HasOptedOutOfEmail` through their APIs) and
 * "Unsubscribed from all email" (HubSpot).
 */
const LEFT_COLUMN =
  /^(?:(?:e-?mail|marketing|newsletter)[-_ ]?)?(?:un[-_ ]?subscribed|opt(?:ed)?[-_ ]?out|do[-_ ]?not[-_ ]?(?:e?mail|contact)|bounced|complained|blocklisted|blacklisted|has[-_ ]?opted[-_ ]?out[-_ ]?of[-_ ]?e-?mail)(?:[-_ ](?:(?:from|of)[-_ ])?(?:all[-_ ])?(?:e-?mails?|marketing|newsletters?))?$/;
/** The same headings in other languages ("Abgemeldet", "Désabonné", "Dado de baja"), accents left out. */
const LEFT_COLUMN_ELSEWHERE =
  /^(?:abgemeldet|ausgetragen|abbestellt|desabonnee?|desinscrite?|dad[oa][-_ ]de[-_ ]baja|de[-_ ]baja|baja|desuscrit[oa]|descadastrad[oa]|desinscrit[oa]|disiscritt[oa]|afgemeld|uitgeschreven)$/;
/**
 * Column names that say a reader is mailed when their cell is yes ("Subscribed", "Opted in",
 * "Email Opt In", "Marketing consent"): a no under one says the reader left, or never joined.
 */
const JOINED_COLUMN =
  /^(?:(?:e-?mail|marketing|newsletter)[-_ ]?)?(?:subscribed|opt(?:ed)?[-_ ]?in|consent(?:ed)?|accepts[-_ ]?marketing)(?:[-_ ](?:to[-_ ])?(?:e-?mails?|marketing|newsletters?))?$/;
const NO = ['false', 'no', 'n', '0', 'nein', 'non', 'nee', 'falsch', 'faux', 'falso'];
const YES = ['true', 'yes', 'y', '1', 'x', 'ja', 'oui', 'si', 'sim', 'vrai', 'wahr', 'verdadero', 'vero', 'waar'];
/**
 * Column names about another channel (Mailchimp's "SMS Marketing", a CRM's "SMS Opt Out"): a reader
 * who left the texts, or never joined them, still asked for the email.
 */
const OTHER_CHANNEL = /(?:^|[^a-z])(?:sms|mms|texts|text[-_ ]?messages?|phone|mobile|whatsapp|push|postal)(?:[^a-z]|$)/;
/** Longer cells hold none of these words, blanks around them included. */
const LONGEST_WORD = 24;
/** The fields rolecast reads; any other column is passed over. */
const READ = new Set(['email', 'name', 'firstName', 'roles', 'timezone', 'locale', 'status']);

/** A provider's cell that says neither mailed nor not: the reader's status is unknown. */
export interface ProviderColumnProblem {
  field: string;
  message: string;
  hint: string;
}

/**
 * What providers' own columns say, in rolecast's fields: a last name joins the first name into
 * `name` (Mailchimp's "First Name" and "Last Name"), and Buttondown's `subscriber_type`,
 * Substack's `email_disabled`, Ghost's `subscribed_to_emails`, Kit's `state`, Mailchimp's
 * "Email Marketing" and a time in
 * Mailchimp's `UNSUB_TIME` or `CLEAN_TIME` say whether a reader is mailed. A column used so is
 * taken out of the entry; beside a `status` column they are not read, and are warned about as
 * unknown fields (one saying the reader is not mailed, where the status does, is an error). Any other column that says the reader left, where the status does not, is an
 * error: the list is refused rather than that reader mailed.
 */
export function fromProviderColumns(entry: Record<string, unknown>): ProviderColumnProblem | undefined {
  const last = entry.lastName;
  if (typeof last === 'string') {
    if (entry.name === undefined)
      entry.name = typeof entry.firstName === 'string' ? `${entry.firstName} ${last}` : last;
    delete entry.lastName;
  }
  if (entry.status !== undefined) return saysLeft(entry, providerSaysLeft(entry));
  const type = entry.subscriber_type;
  const disabled = entry.email_disabled;
  const subscribed = entry.subscribed_to_emails;
  const marketing = entry['email marketing'];
  // Mailchimp's unsubscribed and cleaned exports: when each reader left or bounced.
  const left = entry.unsub_time ?? entry.clean_time;
  delete entry.subscriber_type;
  delete entry.email_disabled;
  delete entry.subscribed_to_emails;
  delete entry['email marketing'];
  delete entry.unsub_time;
  delete entry.clean_time;
  // Kit's states only: other exports have a `state` column for the region of the reader's address.
  const kitLeft = typeof entry.state === 'string' && KIT_NOT_MAILED.includes(entry.state.trim().toLowerCase());
  if (kitLeft || (typeof entry.state === 'string' && entry.state.trim().toLowerCase() === 'active')) delete entry.state;
  const typeSays = typeof type === 'string' ? buttondownMailed(type) : undefined;
  const disabledSays = typeof disabled === 'string' ? substackMailed(disabled) : undefined;
  const subscribedSays = typeof subscribed === 'string' ? ghostMailed(subscribed) : undefined;
  const marketingSays =
    typeof marketing === 'string' ? known(marketing, MAILCHIMP_MAILED, MAILCHIMP_NOT_MAILED) : undefined;
  if (
    typeSays === false ||
    disabledSays === false ||
    subscribedSays === false ||
    marketingSays === false ||
    kitLeft ||
    typeof left === 'string'
  )
    entry.status = 'unsubscribed';
  // Unknown, the reader may be one who left: an error, so nothing is sent from the list.
  if (typeSays === 'unknown')
    return {
      field: 'subscriber_type',
      message: `${shown(String(type))} is not a Buttondown subscriber type rolecast knows, so whether to mail the reader is unknown`,
      hint: `write ${BUTTONDOWN_MAILED.join(', ')} for a reader to mail, or unsubscribed for one not to (or add a status column: active or unsubscribed)`,
    };
  if (disabledSays === 'unknown')
    return {
      field: 'email_disabled',
      message: `${shown(String(disabled))} is neither true nor false, so whether to mail the reader is unknown`,
      hint: 'write true for a reader not to mail, false for one to mail (or add a status column: active or unsubscribed)',
    };
  if (subscribedSays === 'unknown')
    return {
      field: 'subscribed_to_emails',
      message: `${shown(String(subscribed))} is neither true nor false, so whether to mail the reader is unknown`,
      hint: 'write true for a reader to mail, false for one not to (or add a status column: active or unsubscribed)',
    };
  if (marketingSays === 'unknown')
    return {
      field: 'Email Marketing',
      message: `${shown(String(marketing))} is not a Mailchimp email marketing status rolecast knows, so whether to mail the reader is unknown`,
      hint: 'write Subscribed for a reader to mail, or Unsubscribed for one not to (or add a status column: active or unsubscribed)',
    };
  return saysLeft(entry);
}

/**
 * The provider column that says the reader is not mailed, read beside a `status` column: the two
 * disagree when the status says active, and the reader who left must not be mailed for it.
 */
function providerSaysLeft(entry: Record<string, unknown>): string | undefined {
  const says = (field: string, mailed: (value: string) => boolean | 'unknown') => {
    const value = entry[field];
    return typeof value === 'string' && mailed(value) === false ? field : undefined;
  };
  return (
    says('subscriber_type', buttondownMailed) ??
    says('email_disabled', substackMailed) ??
    says('subscribed_to_emails', ghostMailed) ??
    says('email marketing', (value) => known(value, MAILCHIMP_MAILED, MAILCHIMP_NOT_MAILED)) ??
    says('state', (value) => !KIT_NOT_MAILED.includes(value.trim().toLowerCase())) ??
    ['unsub_time', 'clean_time'].find((field) => typeof entry[field] === 'string')
  );
}

/**
 * A column rolecast does not read that says the reader left (`first`, a provider's column found so,
 * or any other), when the entry's status does not.
 */
function saysLeft(entry: Record<string, unknown>, first?: string): ProviderColumnProblem | undefined {
  if (typeof entry.status === 'string' && entry.status.trim().toLowerCase() === 'unsubscribed') return undefined;
  if (first !== undefined) return leftProblem(entry, first);
  // Per row of a large list: no array of entries, and long cells (dates, ids, notes) skipped unread.
  for (const field in entry) {
    const value = entry[field];
    if (READ.has(field) || typeof value !== 'string') continue;
    // Lower-cased here too: a JSON "Status" beside "status" keeps its capitals to be named back.
    const heading = withoutAccents(field.toLowerCase());
    if (OTHER_CHANNEL.test(heading)) continue;
    const word = withoutAccents(value.trim().toLowerCase());
    // A field inside a JSON object is named by its path ("email_suppression.suppressed").
    const last = heading.slice(heading.lastIndexOf('.') + 1);
    if (saysNotMailed(heading, word, last)) return leftProblem(entry, field);
    if (value.length > LONGEST_WORD) continue;
    const leftColumn = LEFT_COLUMN.test(heading) || LEFT_COLUMN_ELSEWHERE.test(heading);
    const joinedColumn = JOINED_COLUMN.test(heading);
    if (SAYS_LEFT.includes(word) || (leftColumn && YES.includes(word)) || (joinedColumn && NO.includes(word)))
      return leftProblem(entry, field);
  }
  return undefined;
}

/** "Désabonné" as "desabonne": exports write the accents, or leave them out, either way. */
function withoutAccents(text: string): string {
  return /[^\x00-\x7f]/.test(text) ? text.normalize('NFD').replace(/\p{M}/gu, '') : text;
}

function leftProblem(entry: Record<string, unknown>, field: string): ProviderColumnProblem {
  return {
    field,
    message: `says ${shown(String(entry[field]).trim())}, which rolecast does not read: the reader would be mailed${entry.status === undefined ? '' : ` as ${shown(String(entry.status))}`}`,
    hint:
      entry.status === undefined
        ? 'add a status column saying unsubscribed for readers who left and active for the others (or remove this column)'
        : 'write unsubscribed in the status column for readers who left (or remove this column)',
  };
}

function buttondownMailed(type: string): boolean | 'unknown' {
  return known(type, BUTTONDOWN_MAILED, BUTTONDOWN_NOT_MAILED);
}

function substackMailed(disabled: string): boolean | 'unknown' {
  return known(disabled, SUBSTACK_ENABLED, SUBSTACK_DISABLED);
}

function ghostMailed(subscribed: string): boolean | 'unknown' {
  return known(subscribed, SUBSTACK_DISABLED, SUBSTACK_ENABLED);
}

function known(value: string, mailed: readonly string[], notMailed: readonly string[]): boolean | 'unknown' {
  const word = value.trim().toLowerCase();
  if (mailed.includes(word)) return true;
  return notMailed.includes(word) ? false : 'unknown';
}

/** The cell quoted and shortened, as other bad values are shown. */
function shown(value: string): string {
  const quoted = JSON.stringify(value);
  return quoted.length > 60 ? `${quoted.slice(0, 57)}…` : quoted;
}
