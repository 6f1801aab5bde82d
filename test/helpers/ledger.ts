import type { DeliveryRecord } from '../../src/send/ledger.js';

/** A ledger entry for a message the server accepted, with no Message-ID or reply kept. */
export function sentEntry(email: string, variantId = 'cto'): Omit<DeliveryRecord, 'updatedAt'> {
  return { email, variantId, status: 'sent', messageId: null, responseCode: 250, response: null, attempts: 1 };
}
