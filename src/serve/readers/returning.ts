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
 * signup's consent carries when it was posted. A link of another record was mailed by a signup after
 * the unsubscribe (every unsubscribe here spends the link it finds, see `spendSignupLink`).
 */
export function signedUpSince(reader: Reader, since: string): boolean {
  if (reader.status !== 'pending') return true;
  const at = reader.consent ? Date.parse(reader.consent.at) : Number.NaN;
  return at > Date.parse(since);
}

/**
 * An unsubscribe spends the signup link the address holds: one mailed before it must not bring the
 * reader back (a later signup mails a new one). An address change waiting for its confirmation keeps
 * its link, which a suppressed address never confirms anyway.
 */
export async function spendSignupLink(store: SubscriberStore, email: string, now: Date): Promise<void> {
  await store.transaction(async () => {
    const reader = await store.get(email);
    if (reader?.confirmNonce && !reader.pendingEmail) await store.update(email, { confirmNonce: null }, now);
  });
}
