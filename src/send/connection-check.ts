import { RolecastError } from '../errors.js';
import type { MailTransport } from './transport.js';

/**
 * Starts the SMTP check (connection and login, a round trip to the server) so that it runs while
 * the issue renders; the function returned awaits it before the first message, so a typo still
 * sends nothing. The outbox's check creates its folder, so it is made only then: a render error
 * leaves no empty folder behind. A check that failed to connect while the render still ran is
 * made again, since a render that holds the event loop past a short timeout would otherwise fail
 * a check the server answered in time; a refused login is not retried.
 *
 * `opening`: the first connection, opened already while the issue loaded (see `connectEarly`); the
 * check then waits for it and opens the other connections beside it.
 */
export function startConnectionCheck(
  transport: MailTransport,
  messages?: number,
  opening?: Promise<void>,
): () => Promise<void> {
  if (transport.kind !== 'smtp') return () => transport.verify();
  // The checked connection is kept for the first messages, and the others open beside it.
  const keep = { keepOpen: true, ...(messages === undefined ? {} : { connections: messages }) };
  const early = opening ? opening.then(() => transport.verify(keep)) : transport.verify(keep);
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

/** A real run's SMTP transport, made while the issue loads, with its first connection opening. */
export interface EarlyConnection {
  /** Rejects as making the transport did (an unreadable DKIM key); awaited where the run needs it. */
  readonly transport: Promise<MailTransport>;
  /** The first connection's greeting and login; its error is the check's (see startConnectionCheck). */
  readonly opening: Promise<void>;
  /** Closes the transport; harmless once the run closed it itself. */
  close(): Promise<void>;
}

/**
 * Makes the transport and opens one connection at once, before the readers are loaded: a server's
 * greeting can take long (a few seconds where it pauses to catch clients that talk too early), and
 * it then passes while the list loads and the plan is made instead of before the first message.
 * No message goes out before the check: a run that stops earlier (bad input, a held lock) has
 * only greeted the server, logged in and quit. A connection the server drops while it idles
 * through a long load is opened again by the check or the next message.
 */
export function connectEarly(make: () => Promise<MailTransport>): EarlyConnection {
  const transport = make();
  const opening = transport.then((made) =>
    made.kind === 'smtp' ? made.verify({ keepOpen: true, connections: 1 }) : undefined,
  );
  // Both are awaited later, or never when the run stops first: neither is an unhandled rejection.
  transport.catch(() => {});
  opening.catch(() => {});
  return {
    transport,
    opening,
    async close() {
      await transport.then(
        (made) => made.close(),
        () => {},
      );
    },
  };
}
