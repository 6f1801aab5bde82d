import type { DeliveryStatus } from './ledger.js';
import type { MailTransport } from './transport.js';

/**
 * What is done once readers have the issue (its pool stories marked sent): at once when the ledger
 * already records a reader mailed (an earlier run, perhaps one that died before it could), else
 * after the first message this run's server accepts. A trial to the outbox reaches nobody and does
 * nothing, nor does a run whose every message is refused.
 */
export function onceReadersHaveIt(
  transport: MailTransport,
  recorded: ReadonlyMap<string, DeliveryStatus>,
  act: () => Promise<void>,
): { transport: MailTransport; done(): Promise<void> } {
  if (transport.kind !== 'smtp') return { transport, done: async () => {} };
  let acting: Promise<void> | undefined;
  const start = () => {
    acting ??= act();
  };
  if ([...recorded.values()].includes('sent')) start();
  const telling: MailTransport = Object.assign(Object.create(transport) as MailTransport, {
    send: async (...args: Parameters<MailTransport['send']>) => {
      const accepted = await transport.send(...args);
      start();
      return accepted;
    },
  });
  return { transport: telling, done: async () => acting };
}
