import type { DeliveryStatus } from './ledger.js';
import type { MailTransport } from './transport.js';

/** What is done once readers have the issue, and how a failure of it is told (it never stops the send). */
export interface OnceReadersHaveIt {
  act: () => Promise<void>;
  failed: (error: unknown) => void;
}

/** Whether the ledger already records a reader mailed, by this run's start: readers have the issue. */
export function recordsSentReader(recorded: ReadonlyMap<string, DeliveryStatus>): boolean {
  for (const status of recorded.values()) if (status === 'sent') return true;
  return false;
}

/**
 * What is done once readers have the issue (its pool stories marked sent): at once when the ledger
 * already records a reader mailed (an earlier run, perhaps one that died before it could), else
 * after the first message this run's server accepts. A trial to the outbox reaches nobody and does
 * nothing, nor does a run whose every message is refused. A failure of it is told as it happens,
 * never left to end a send half done; `done()` waits for it and belongs in a `finally`.
 */
export function onceReadersHaveIt(
  transport: MailTransport,
  sentBefore: boolean,
  then: OnceReadersHaveIt,
): { transport: MailTransport; done(): Promise<void> } {
  if (transport.kind !== 'smtp') return { transport, done: async () => {} };
  let acting: Promise<void> | undefined;
  const start = () => {
    acting ??= Promise.resolve()
      .then(then.act)
      .catch((error: unknown) => then.failed(error));
  };
  if (sentBefore) start();
  const telling: MailTransport = {
    kind: transport.kind,
    destination: transport.destination,
    verify: (options) => transport.verify(options),
    send: async (options, gate) => {
      const accepted = await transport.send(options, gate);
      start();
      return accepted;
    },
    close: () => transport.close(),
  };
  if (transport.maxMessageSize) telling.maxMessageSize = () => transport.maxMessageSize?.();
  if (transport.bytesAsSent) telling.bytesAsSent = (mail) => transport.bytesAsSent?.(mail);
  return { transport: telling, done: async () => acting };
}
