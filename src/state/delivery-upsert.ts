/**
 * The ledger's rule for a reader already in `deliveries`, on SQLite and PostgreSQL alike: the newer
 * outcome replaces the row and attempts add up, except that sent is final — a later failed or
 * deferred outcome never replaces a "sent" row (a later "sent" does).
 */
export const DELIVERY_UPSERT_CONFLICT = `ON CONFLICT (issue_id, channel, email) DO UPDATE SET
  variant_id = excluded.variant_id, status = excluded.status, message_id = excluded.message_id,
  response_code = excluded.response_code, response = excluded.response,
  attempts = deliveries.attempts + excluded.attempts, updated_at = excluded.updated_at
WHERE deliveries.status <> 'sent' OR excluded.status = 'sent'`;
