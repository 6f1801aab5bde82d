import type { DeliveryRecord } from '../../src/send/ledger.js';

/** A ledger entry for a message the server accepted; by default no Message-ID or reply is kept. */
export function sentEntry(
  email: string,
  fields: Partial<Omit<DeliveryRecord, 'email' | 'updatedAt'>> = {},
): Omit<DeliveryRecord, 'updatedAt'> {
  return {
    email,
    variantId: 'cto',
    status: 'sent',
    messageId: null,
    responseCode: 250,
    response: null,
    attempts: 1,
    ...fields,
  };
}
