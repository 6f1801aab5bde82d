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

/** A provider's cell that says neither mailed nor not: the reader's status is unknown. */
export interface ProviderColumnProblem {
  field: string;
  message: string;
  hint: string;
}

/**
 * What providers' own columns say, in rolecast's fields: a last name joins the first name into
 * `name` (Mailchimp's "First Name" and "Last Name"), and Buttondown's `subscriber_type`,
 * Substack's `email_disabled` and a time in Mailchimp's `UNSUB_TIME` or `CLEAN_TIME` say whether a
 * reader is mailed. A column used so is taken out of the
 * entry; beside a `status` column they are not read, and are warned about as unknown fields.
 */
export function fromProviderColumns(entry: Record<string, unknown>): ProviderColumnProblem | undefined {
  const last = entry.lastName;
  if (typeof last === 'string') {
    if (entry.name === undefined)
      entry.name = typeof entry.firstName === 'string' ? `${entry.firstName} ${last}` : last;
    delete entry.lastName;
  }
  if (entry.status !== undefined) return undefined;
  const type = entry.subscriber_type;
  const disabled = entry.email_disabled;
  // Mailchimp's unsubscribed and cleaned exports: when each reader left or bounced.
  const left = entry.unsub_time ?? entry.clean_time;
  delete entry.subscriber_type;
  delete entry.email_disabled;
  delete entry.unsub_time;
  delete entry.clean_time;
  const typeSays = typeof type === 'string' ? buttondownMailed(type) : undefined;
  const disabledSays = typeof disabled === 'string' ? substackMailed(disabled) : undefined;
  if (typeSays === false || disabledSays === false || typeof left === 'string') entry.status = 'unsubscribed';
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
  return undefined;
}

function buttondownMailed(type: string): boolean | 'unknown' {
  return known(type, BUTTONDOWN_MAILED, BUTTONDOWN_NOT_MAILED);
}

function substackMailed(disabled: string): boolean | 'unknown' {
  return known(disabled, SUBSTACK_ENABLED, SUBSTACK_DISABLED);
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
