import { type ReaderPatch, stampFields } from '../../store/index.js';
import { loggableError } from '../pages.js';
import type { ReaderServices } from './services.js';

/**
 * An unsubscribe of an address its reader moved away from (from an older message: its preferences
 * page, or its one-click List-Unsubscribe) reaches them at the new one too, without saying where: a
 * subscribers file that lists the old address mails the new one. Not when the old address is a
 * reader's own again (consented, or where another reader moved to since).
 */
export async function unsubscribeWhereMoved(
  services: Pick<ReaderServices, 'store' | 'suppressions' | 'now' | 'log'>,
  email: string,
  source: 'preferences' | 'one-click',
): Promise<void> {
  const { store } = services;
  if ((await store.get(email))?.consent) return;
  const moves = await store.moves();
  // A reader who moved here since (the mailbox handed on) unsubscribes only themselves.
  if (moves.some((move) => move.movedTo === email)) return;
  // Its latest reader to leave, whose messages were the last it got (not its first, when handed on).
  const movedTo = moves.find((move) => move.email === email)?.latestMovedTo;
  if (!movedTo) return;
  const now = services.now();
  const at = now.toISOString();
  // The suppression list first: it is what every send checks.
  await services.suppressions.add(movedTo, { reason: 'unsubscribe', source, now });
  // Suppressed (or journaled) already: a record that cannot be written now is named as that alone.
  await store
    .transaction(async () => {
      const reader = await store.get(movedTo);
      if (!reader || reader.status === 'unsubscribed' || reader.status === 'bounced') return;
      const patch: ReaderPatch = {
        status: 'unsubscribed',
        pausedUntil: null,
        readerChangedAt: at,
        readerFields: stampFields(reader, ['status'], at),
      };
      await store.update(movedTo, patch, now);
      await store.audit({
        email: movedTo,
        at,
        page: source,
        change: 'status: unsubscribed from an earlier address',
      });
    })
    .catch((error: unknown) =>
      services.log(
        `the address its reader moved to is suppressed, but its record could not be marked unsubscribed: ${loggableError(error)}`,
      ),
    );
}
