import type { Reader, SubscriberStore } from '../../store/index.js';
import type { ReaderServices } from './services.js';

/**
 * A reader who unsubscribed by their own choice may come back through a fresh double opt-in: a new
 * signup of the address mails a new confirmation link, and confirming it lifts that unsubscribe (see
 * `ownUnsubscribeWhere`). A bounce, a complaint, an editor's block or an erasure is never lifted.
 */

/** When the address's reader unsubscribed, if that alone keeps it suppressed; undefined otherwise. */
export async function returningSince(
  services: Pick<ReaderServices, 'suppressions'>,
  email: string,
): Promise<string | undefined> {
  const { suppressions } = services;
  if (!(await suppressions.isSuppressed(email))) return undefined;
  return (await suppressions.ownUnsubscribe?.(email)) ?? undefined;
}

/**
 * Whether a signup link of this record was made after the reader's unsubscribe at `since`: a pending
 * signup's consent carries when it was posted; any other record's link is dated by the link itself
 * (`issuedAt`, ms), so one mailed before the unsubscribe never lifts it, however the reader left.
 */
export function signedUpSince(reader: Reader, since: string, issuedAt?: number): boolean {
  if (reader.status !== 'pending') return issuedAt !== undefined && issuedAt >= secondOf(Date.parse(since));
  const at = reader.consent ? Date.parse(reader.consent.at) : Number.NaN;
  return at > Date.parse(since);
}

/**
 * When a confirmation link was mailed: it expires `confirmHours` after, in whole seconds, so this is
 * that second's start (a link mailed in the same second as the unsubscribe counts as after it).
 */
export function linkIssuedAt(expires: number, confirmHours: number): number {
  return (expires - confirmHours * 3600) * 1000;
}

const secondOf = (ms: number): number => Math.floor(ms / 1000) * 1000;

/**
 * An unsubscribe spends the signup link the address holds: one mailed before it must not bring the
 * reader back (a later signup mails a new one). An address change waiting for its confirmation keeps
 * its link, which a suppressed address never confirms anyway.
 */
export async function spendSignupLink(store: SubscriberStore, email: string, now: Date): Promise<void> {
  // Read first: with no link to spend, a store another program holds (a send) is not waited for.
  if (!holdsSignupLink(await store.get(email))) return;
  await store.transaction(async () => {
    if (holdsSignupLink(await store.get(email))) await store.update(email, { confirmNonce: null }, now);
  });
}

const holdsSignupLink = (reader: Reader | undefined): boolean => !!reader?.confirmNonce && !reader.pendingEmail;
