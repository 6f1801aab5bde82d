/**
 * What every suppression list shares whatever holds it (the state file, PostgreSQL, serve's
 * endpoint): the row ↔ record mapping and the defaults of a single add, a one-click unsubscribe.
 */
import type { SuppressionRecord } from './contract.js';

export interface SuppressionRow {
  email: string;
  reason: string | null;
  source: string | null;
  created_at: string;
}

export function fromSuppressionRow(row: SuppressionRow): SuppressionRecord {
  return { email: row.email, reason: row.reason, source: row.source, createdAt: row.created_at };
}

/** Reason, source and time of a single add; unnamed, it is an unsubscribe from the one-click link. */
export function addDefaults(details: { reason?: string; source?: string; now?: Date }): {
  reason: string;
  source: string;
  at: string;
} {
  return {
    reason: details.reason ?? 'unsubscribe',
    source: details.source ?? 'one-click',
    at: (details.now ?? new Date()).toISOString(),
  };
}
