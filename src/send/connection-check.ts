import { RolecastError } from '../errors.js';
import type { MailTransport } from './transport.js';

/**
 * Starts the SMTP check (connection and login, a round trip to the server) so that it runs while
 * the issue renders; the function returned awaits it before the first message, so a typo still
 * sends nothing. The outbox's check creates its folder, so it is made only then: a render error
 * leaves no empty folder behind. A check that failed to connect while the render still ran is
 * made again, since a render that holds the event loop past a short timeout would otherwise fail
 * a check the server answered in time; a refused login is not retried.
 */
export function startConnectionCheck(transport: MailTransport, messages?: number): () => Promise<void> {
  if (transport.kind !== 'smtp') return () => transport.verify();
  // The checked connection is kept for the first messages, and the others open beside it.
  const keep = { keepOpen: true, ...(messages === undefined ? {} : { connections: messages }) };
  const early = transport.verify(keep);
  // Awaited later, so failing while the render runs is not unhandled; whether it ended first.
  let ended = false;
  early.then(
    () => (ended = true),
    () => (ended = true),
  );
  return async () => {
    const endedDuringRender = ended;
    try {
      await early;
    } catch (error) {
      if (!endedDuringRender || !(error instanceof RolecastError) || error.code !== 'E_SMTP_CONNECT') throw error;
      await transport.verify(keep);
    }
  };
}
