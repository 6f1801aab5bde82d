import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { commaRunsJoined, readerRolesSplit } from './_comma-roles.js';

/** How one subscriber entry's roles and status are read before the schema judges it. */

/**
 * The roles of an entry that writes them as one text (a CSV cell, a JSON string), split at every
 * separator and comma: what the file says whatever roles.yaml makes of a comma ("Head of Sales,
 * EMEA" is one role or two as the roles file names it), so a roles.yaml that gains or loses such a
 * role changes nothing of the text a send notes. Undefined for a list, whose entries are its text.
 */
export function typedRoles(raw: unknown): string[] | undefined {
  const roles = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).roles : undefined;
  return typeof roles === 'string' ? readerRolesSplit(roles, () => false) : undefined;
}

/** The other readings of an entry's roles text, as a roles.yaml naming comma roles made them (see `commaRunsJoined`). */
export function joinedRoles(raw: unknown): string[][] {
  const roles = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).roles : undefined;
  return typeof roles === 'string' ? commaRunsJoined(roles) : [];
}

/**
 * Forgiving where the meaning is unambiguous: `"roles": "CTO, Executive"` (or `|`/`;` separated)
 * is a list, and `"Active"` is `active`. Anything else is left for the schema to judge.
 */
export function lenient(entry: unknown, taxonomy: RoleTaxonomy): Record<string, unknown> | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const record = entry as Record<string, unknown>;
  // "Head of Sales, EMEA": a role whose name holds a comma, when the roles file names it so.
  const roles =
    typeof record.roles === 'string'
      ? readerRolesSplit(record.roles, (role) => taxonomy.lookup(role) !== undefined)
      : record.roles;
  const written = typeof record.status === 'string' ? record.status.trim().toLowerCase() : record.status;
  // Mailchimp's word for a reader who opted in (its API and exports): rolecast's "active".
  const status = written === 'subscribed' ? 'active' : written;
  if (roles === record.roles && status === record.status) return record;
  return { ...record, roles, status };
}
