/**
 * What the SQLite and PostgreSQL analytics stores share: the values a click row holds and how the
 * rows of one issue become its `IssueFacts` (JSON as text, times as ISO text on both). Only their
 * SQL differs.
 */
import type { ClickEvent, IssueFacts } from './store.js';

/** A role set's `?v=` decision as `issue_variants.clicks_tagged` holds it: 1, 0, or null for none made. */
export function clicksTaggedValue(tagged: boolean | undefined): number | null {
  return tagged === undefined ? null : Number(tagged);
}

/** The decisions an issue's `issue_variants` rows hold (those with one), by variant id. */
export function clickTagsOf(rows: readonly { variant_id: string; clicks_tagged: number }[]): Map<string, boolean> {
  return new Map(rows.map((row) => [row.variant_id, row.clicks_tagged === 1]));
}

/** The columns a click insert writes, in the order of `clickValues`. */
export const CLICK_COLUMNS = 'issue_id, summary_id, role, variant_id, kind, target, clicked_at, first';

/** The same columns as a condition, one `?` each in the same order: one row recorded with `clickValues`. */
export const CLICK_MATCH = CLICK_COLUMNS.split(', ')
  .map((column) => `${column} = ?`)
  .join(' AND ');

export function clickValues(event: ClickEvent): unknown[] {
  return [
    event.issueId,
    event.summaryId,
    event.role,
    event.variantId,
    event.kind,
    event.target,
    event.at.toISOString(),
    event.first ? 1 : 0,
  ];
}

export interface VariantRow {
  variant_id: string;
  roles: string;
  sections: string;
  recorded_at: string;
}

export interface SummaryRow {
  summary_id: string;
  roles: string;
  topics: string;
}

/** A per-variant delivery row as the driver returns it: a sum with nothing to add is null. */
export type DeliveryCountRow = Record<string, number | string | null>;

export function deliveryCounts(row: DeliveryCountRow): IssueFacts['deliveries'][number] {
  return {
    variantId: String(row.variantId),
    recipients: Number(row.recipients),
    delivered: Number(row.delivered ?? 0),
    unsubscribed: Number(row.unsubscribed ?? 0),
    bounced: Number(row.bounced ?? 0),
    complained: Number(row.complained ?? 0),
  };
}

/** One issue's facts from its layout rows, its delivery counts and its click counts. */
export function issueFacts(
  issueId: string,
  variants: readonly VariantRow[],
  summaries: readonly SummaryRow[],
  deliveries: IssueFacts['deliveries'],
  clicks: IssueFacts['clicks'],
): IssueFacts {
  return {
    issueId,
    recordedAt: variants.reduce<string | undefined>(
      (min, r) => (!min || r.recorded_at < min ? r.recorded_at : min),
      undefined,
    ),
    variants: variants.map((r) => ({
      id: r.variant_id,
      roles: JSON.parse(r.roles),
      sections: JSON.parse(r.sections),
    })),
    summaries: summaries.map((r) => ({ id: r.summary_id, roles: JSON.parse(r.roles), topics: JSON.parse(r.topics) })),
    deliveries,
    clicks,
  };
}
