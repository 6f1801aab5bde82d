import { join } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import { hasTable } from '../db/postgres.js';
import { openExistingStateDb, type StateDb } from '../send/store.js';
import type { StateLocation } from '../state/location.js';
import { isRefusedState, withPool } from '../state/read-at.js';
import type { IssueBounceCounts } from './store.js';
import { BOUNCE_MIGRATIONS, postgresBounceStore } from './store-postgres.js';
import { sqliteBounceStore } from './store-sqlite.js';

/**
 * List health: bounce and complaint rates of the last issues, judged against what Gmail and Yahoo
 * publish for bulk senders (spam complaint rate below 0.3 %, Gmail asks to stay below 0.1 %). For
 * bounces neither publishes a figure; 2 % is the widely used rule of thumb and is shown as such.
 * Pure given the counts; `readListHealth` reads them from the state file, read-only.
 */

export const COMPLAINT_RATE_LIMIT = 0.003;
export const COMPLAINT_RATE_TARGET = 0.001;
export const BOUNCE_RATE_GUIDE = 0.02;
export const HEALTH_ISSUES = 5;

export type HealthStatus = 'ok' | 'warn' | 'over';

export interface IssueHealth {
  issueId: string;
  sent: number;
  /** Readers who bounced (hard or soft) for the issue. */
  bounced: number;
  complaints: number;
  /** Undefined when nothing was sent (rates of nothing mean nothing). */
  bounceRate: number | undefined;
  complaintRate: number | undefined;
  bounceStatus: HealthStatus;
  complaintStatus: HealthStatus;
}

export interface ListHealth {
  issues: IssueHealth[];
  /** The same, summed over those issues. */
  overall: IssueHealth;
}

export function complaintStatus(rate: number | undefined): HealthStatus {
  if (rate === undefined) return 'ok';
  if (rate >= COMPLAINT_RATE_LIMIT) return 'over';
  return rate >= COMPLAINT_RATE_TARGET ? 'warn' : 'ok';
}

export function bounceStatus(rate: number | undefined): HealthStatus {
  return rate !== undefined && rate >= BOUNCE_RATE_GUIDE ? 'warn' : 'ok';
}

function health(issueId: string, sent: number, bounced: number, complaints: number): IssueHealth {
  const bounceRate = sent > 0 ? bounced / sent : undefined;
  const complaintRate = sent > 0 ? complaints / sent : undefined;
  return {
    issueId,
    sent,
    bounced,
    complaints,
    bounceRate,
    complaintRate,
    bounceStatus: bounceStatus(bounceRate),
    complaintStatus: complaintStatus(complaintRate),
  };
}

/** The newest `last` issues that went out over SMTP, newest first, and their sum. */
export function listHealth(counts: readonly IssueBounceCounts[], last = HEALTH_ISSUES): ListHealth {
  const issues = counts
    .filter((c) => c.sent > 0)
    .slice(0, last)
    .map((c) => health(c.issueId, c.sent, c.hard + c.soft, c.complaints));
  const sum = (pick: (h: IssueHealth) => number) => issues.reduce((total, h) => total + pick(h), 0);
  return {
    issues,
    overall: health(
      `last ${issues.length}`,
      sum((h) => h.sent),
      sum((h) => h.bounced),
      sum((h) => h.complaints),
    ),
  };
}

/**
 * List health from where the state lives (the state file by default, or PostgreSQL); undefined
 * when nothing is stored or it cannot be read (the preview must not fail on it); a state refused as
 * newer or denied is thrown, for the preview to say why the panel is missing.
 */
export async function readListHealth(
  config: ResolvedConfig,
  at?: string | StateLocation,
): Promise<ListHealth | undefined> {
  if (typeof at === 'object' && at.kind === 'postgres') {
    const url = at.url;
    return withPool(url, { bounces: BOUNCE_MIGRATIONS }, async (pool) =>
      (await hasTable(pool, 'bounce_events')) ? listHealth(await postgresBounceStore(pool).issueCounts()) : undefined,
    ).catch((error: unknown) => {
      if (isRefusedState(error)) throw error;
      return undefined;
    });
  }
  const stateFile = typeof at === 'object' ? at.file : at;
  let db: StateDb | undefined;
  try {
    db = openExistingStateDb(stateFile ?? join(config.stateDirAbs, 'state.db'), 'light');
    return db ? listHealth(await sqliteBounceStore(db, { readonly: true }).issueCounts()) : undefined;
  } catch (error) {
    if (isRefusedState(error)) throw error;
    return undefined;
  } finally {
    db?.close();
  }
}

export function formatRate(rate: number | undefined): string {
  return rate === undefined ? '—' : `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)} %`;
}

export interface BounceTally {
  hard: number;
  soft: number;
  complaints: number;
}

/** Readers per kind among stored records (a reader who bounced twice for one issue counts once). */
export function tallyRecords(records: readonly { email: string; kind: 'hard' | 'soft' | 'complaint' }[]): BounceTally {
  const readers = { hard: new Set<string>(), soft: new Set<string>(), complaint: new Set<string>() };
  for (const r of records) readers[r.kind].add(r.email);
  // A reader with a soft and then a hard report is one bounced reader, counted as hard.
  let soft = 0;
  for (const email of readers.soft) if (!readers.hard.has(email)) soft++;
  return { hard: readers.hard.size, soft, complaints: readers.complaint.size };
}
