/**
 * Rows of the `deliveries` and `runs` tables turned into what `rolecast status` shows. Both state
 * backends read the same columns, so only their SQL differs.
 */
import type { Channel } from './channel.js';
import { type ChannelStatus, type DeliveryRecord, type DeliveryStatus, openResendOf } from './ledger.js';

/** A `deliveries` row as both backends return it. */
export interface DeliveryRow {
  email: string;
  variant_id: string;
  status: DeliveryStatus;
  message_id: string | null;
  response_code: number | null;
  response: string | null;
  attempts: number;
  updated_at: string;
}

/** A `runs` row; the resend columns are missing in a state file older than them. */
export interface RunRow {
  planned: number;
  started_at: string;
  finished_at: string | null;
  outcome: string | null;
  resend_started_at?: string | null;
  open_resend_since?: string | null;
}

export function deliveryFromRow(row: DeliveryRow): DeliveryRecord {
  return {
    email: row.email,
    variantId: row.variant_id,
    status: row.status,
    messageId: row.message_id,
    responseCode: row.response_code,
    response: row.response,
    attempts: row.attempts,
    updatedAt: row.updated_at,
  };
}

/** One channel's status from its per-status counts, its run (if any) and its unsent rows. */
export function channelStatus(
  channel: Channel,
  counts: readonly { status: DeliveryStatus; n: number }[],
  run: RunRow | undefined,
  failures: readonly DeliveryRow[],
): ChannelStatus {
  const count = (status: DeliveryStatus) => counts.find((c) => c.status === status)?.n ?? 0;
  const sent = count('sent');
  const failed = count('failed');
  const deferred = count('deferred');
  return {
    channel,
    planned: run?.planned,
    sent,
    failed,
    deferred,
    // A deferred reader waits for the next run's retry: counted there, not a second time as pending.
    pending: run === undefined ? undefined : Math.max(0, run.planned - sent - failed - deferred),
    lastRun: run && {
      startedAt: run.started_at,
      finishedAt: run.finished_at,
      outcome: run.outcome,
      resendStartedAt: run.resend_started_at ?? null,
    },
    openResend: openResendOf(run) ?? null,
    failures: failures.map(deliveryFromRow),
  };
}
