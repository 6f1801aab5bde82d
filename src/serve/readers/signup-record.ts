import { mailAddress, newReader, type Reader } from '../../store/index.js';
import { signedUpSince } from './returning.js';
import type { ReaderServices } from './services.js';

/** A signup posted to the form or the API, its address checked. */
export interface Signup {
  email: string;
  /** The address as typed when it is another spelling of `email`; null when typed as the key. */
  writtenEmail: string | null;
  name: string | null;
  roles: string[];
  timezone: string | null;
  locale: string | null;
  method: 'form' | 'api';
}

/** The confirmation link a signup mails: its nonce, language, end (ms; undefined: `confirmHours` from now) and address. */
export interface SignupLink {
  nonce: string;
  locale: string | null;
  expiresAt: number | undefined;
  to: string;
}

/** One signup's write: when it is made, the nonce of a new link, and how long a link works. */
interface SignupWrite {
  services: ReaderServices;
  signup: Signup;
  now: Date;
  at: string;
  nonce: string;
  liveMs: number;
}

/**
 * The signup's write, in the store's transaction: the link to mail, or undefined when the address
 * may not sign up now. `since`: when the reader unsubscribed, for a reader coming back; `nonce`:
 * the new link's, the same on every try.
 */
export async function recordSignup(
  services: ReaderServices,
  signup: Signup,
  { since, now, nonce }: { since: string | undefined; now: Date; nonce: string },
): Promise<SignupLink | undefined> {
  const liveMs = services.config.readers.confirmHours * 3600 * 1000;
  const write: SignupWrite = { services, signup, now, at: now.toISOString(), nonce, liveMs };
  const stored = await services.store.get(signup.email);
  if (stored && !joinable(stored, since)) return undefined;
  const pending = stored && (await pendingLinkMailedAgain(write, stored, since));
  if (pending) return pending;
  if (stored && stored.status !== 'pending' && since !== undefined) return returningReader(write, stored, since);
  if (stored && keptWithoutConsent(stored)) return linkForKeptRecord(write, stored);
  return newSignup(write, stored);
}

/**
 * A signup whose link still works keeps its details and its link, which is mailed again: anyone
 * can post an address, and a second post must not change what the first one's owner confirms, nor
 * spend the link they already have. Undefined when the stored signup's link no longer works.
 */
async function pendingLinkMailedAgain(
  write: SignupWrite,
  stored: Reader,
  since: string | undefined,
): Promise<SignupLink | undefined> {
  const signedUpAt = stored.consent ? Date.parse(stored.consent.at) : Number.NaN;
  // A signup from before the reader unsubscribed starts over: its link must not bring them back.
  const live = since === undefined || signedUpSince(stored, since);
  if (
    stored.status !== 'pending' ||
    !stored.confirmNonce ||
    !live ||
    !(write.now.getTime() - signedUpAt < write.liveMs)
  )
    return undefined;
  await auditSignup(write, `signup again (${write.signup.method}), link mailed again`);
  // Mailed again with the first link's end: a post later than that starts over (see newSignup).
  return {
    nonce: stored.confirmNonce,
    locale: stored.locale,
    expiresAt: signedUpAt + write.liveMs,
    to: mailAddress(stored),
  };
}

/** A reader who unsubscribed (at `since`) signing up again. */
async function returningReader(write: SignupWrite, stored: Reader, since: string): Promise<SignupLink> {
  const { store } = write.services;
  // A link mailed by such a signup since the unsubscribe, still working, is mailed again, as
  // for a pending signup: anyone may post the address, and must not spend the owner's link.
  const issued = stored.confirmNonce && !stored.pendingEmail ? await returnedAt(store, write.signup.email) : undefined;
  if (
    stored.confirmNonce &&
    issued !== undefined &&
    signedUpSince(stored, since, issued) &&
    write.now.getTime() - issued < write.liveMs
  )
    return {
      nonce: stored.confirmNonce,
      locale: stored.locale,
      expiresAt: issued + write.liveMs,
      to: mailAddress(stored),
    };
  // A new link (one mailed before stays spent), and their own settings kept, as for a kept record;
  // they change them on their page.
  await store.update(write.signup.email, { confirmNonce: write.nonce, pendingEmail: null }, write.now);
  await auditSignup(write, `${RETURNED} (${write.signup.method}), settings kept`);
  return { nonce: write.nonce, locale: stored.locale, expiresAt: undefined, to: mailAddress(stored) };
}

/**
 * A record kept without consent gets only a link: its settings and status stay as they are, and
 * consent is recorded when the owner of the address confirms (their own settings kept, the form's
 * left out).
 */
async function linkForKeptRecord(write: SignupWrite, stored: Reader): Promise<SignupLink> {
  await write.services.store.update(write.signup.email, { confirmNonce: write.nonce }, write.now);
  await auditSignup(write, `signup (${write.signup.method}), settings kept`);
  return { nonce: write.nonce, locale: stored.locale, expiresAt: undefined, to: mailAddress(stored) };
}

/** A signup that starts over: the form's details stored, pending, with a new link. */
async function newSignup(write: SignupWrite, stored: Reader | undefined): Promise<SignupLink> {
  const { services, signup, now, at, nonce } = write;
  const { store } = services;
  const fields = {
    name: signup.name,
    firstName: null,
    roles: signup.roles,
    timezone: signup.timezone,
    locale: signup.locale,
    // What the reader set on a signup that starts over is this form's, confirmed with it (see confirm.ts).
    readerFields: null,
    fileFields: null,
    consent: { at, method: signup.method, wording: services.config.readers.consentWording },
    confirmNonce: nonce,
    writtenEmail: signup.writtenEmail,
    status: 'pending' as const,
  };
  if (stored) await store.update(signup.email, fields, now);
  else await store.insert(newReader(signup.email, now, fields));
  await auditSignup(write, `signup (${signup.method}), roles ${signup.roles.join(', ') || '(none)'}`);
  return { nonce, locale: signup.locale, expiresAt: undefined, to: signup.writtenEmail ?? signup.email };
}

function auditSignup(write: SignupWrite, change: string): Promise<void> {
  return write.services.store.audit({ email: write.signup.email, at: write.at, page: 'subscribe', change });
}

const RETURNED = 'signup after unsubscribing';

/** When the link the record holds was mailed to a reader signing up after unsubscribing, if it was (ms). */
async function returnedAt(store: ReaderServices['store'], email: string): Promise<number | undefined> {
  const last = (await store.auditOf(email)).filter((entry) => entry.page !== 'cli').at(-1);
  return last?.page === 'subscribe' && last.change.startsWith(RETURNED) ? Date.parse(last.at) : undefined;
}

/**
 * Whether a stored address may sign up: a pending signup, a record the preferences page kept with no
 * consent (see storeAudience), which the signup's confirmation turns into a reader, or a reader who
 * unsubscribed by their own choice (at `unsubscribedAt`), not one who bounced.
 */
export function joinable(reader: Reader, unsubscribedAt: string | undefined): boolean {
  if (unsubscribedAt !== undefined) return reader.status !== 'bounced';
  return reader.status === 'pending' || keptWithoutConsent(reader);
}

/**
 * A record the preferences page kept for someone the store's list does not hold (a reader of a
 * subscribers file): it holds their own settings, which an anonymous post must not replace.
 */
export function keptWithoutConsent(reader: Reader): boolean {
  return reader.consent === null && reader.status === 'active';
}
