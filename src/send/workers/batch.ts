import { canonicalAddress } from '../../address.js';
import type { Environment } from '../../config/env.js';
import type { Project } from '../../load/project.js';
import type { Subscriber } from '../../model/subscriber.js';
import type { CompiledVariant } from '../../render/types.js';
import type { LedgerEntry } from '../../state/contract.js';
import type { ClaimedItem, ItemOutcome } from '../../state/postgres/queue.js';
import { buildFor } from '../compose.js';
import { messageIdFor } from '../message.js';
import type { SharedPermits } from '../permits.js';
import { segmentRoles, suppressedKind } from '../plan.js';
import type { RateLimiter } from '../rate-limit.js';
import { type Halted, type ReportBuilder, reportOutcome } from '../report.js';
import type { DeliveryFailure } from '../retry.js';
import { type Accepted, type LedgerWriter, type RefusalStreak, rowOf, runDeliveries, type SendJob } from '../run.js';
import type { MailTransport } from '../transport.js';

export interface BatchContext {
  project: Project;
  env: Environment;
  compiled: ReadonlyMap<string, CompiledVariant>;
  /** This worker's readers by canonical address. */
  byEmail: ReadonlyMap<string, Subscriber>;
  /** The plan's Message-ID salt (a resend's generation). */
  salt: string;
  segments: readonly string[];
  /** An item another worker took over since this one claimed it: not started any more. */
  isLost(seq: number): boolean;
  /**
   * The reason an address was suppressed since the run began ('' without one), else undefined: read
   * again every second (see late-suppressions.ts), so a reader who unsubscribes after their item was
   * claimed is not mailed, as with one sender.
   */
  suppressedSince?: ((email: string) => string | undefined) | undefined;
  /** Reads the list afresh right before a message goes out (see LateSuppressions.confirm). */
  confirmSuppressions?: ((signal?: AbortSignal) => Promise<void>) | undefined;
  /** See RunOptions.lateSuppressionCheckMs. */
  lateSuppressionCheckMs?: number | undefined;
  transport: MailTransport;
  limiter: RateLimiter;
  concurrency: number;
  signal?: AbortSignal | undefined;
  report: ReportBuilder;
  now(): Date;
  /** When outcomes are stamped in the ledger (a resend's never before its start); `now` when not given. */
  stamp?: (() => Date) | undefined;
  /** Every job of the batch handed out: only those still in flight remain, so the next batch may start. */
  onExhausted?: (() => void) | undefined;
  /** Whether this worker had a message accepted yet: its batches are one run (see runDeliveries). */
  accepted?: Accepted | undefined;
  /** The permanent refusals in a row over this worker's batches: its batches are one run (see runDeliveries). */
  refusals?: RefusalStreak | undefined;
  /** Whether another batch of this worker is in flight or may be claimed (see RunOptions.moreToCome). */
  moreToCome?: (() => Promise<boolean>) | undefined;
  /** Readers greylisted over this worker's batches, for its report. */
  greylisted?: { count: number } | undefined;
  /**
   * Writes outcomes before the batch ends: a batch whose greylisted readers wait minutes for their
   * next try writes the others' as they come, rather than hold them unwritten all that while.
   */
  recordEarly?: ((outcomes: ItemOutcome[]) => void) | undefined;
  /**
   * Writes the outcomes of messages as they come (a few milliseconds' worth at a time, see
   * recorder.ts) and resolves once they are committed; rejects when the database refused them.
   */
  recordNow?: ((outcomes: ItemOutcome[]) => Promise<void>) | undefined;
  /**
   * Writes the refusals the batch ends holding as deferred, with their items' done marks, and lets
   * their leases go once that is committed: the worker's later batches decide them (see RefusalStreak)
   * without this batch holding a lease for each meanwhile. Without it, they stay leased (`carried`).
   */
  park?: ((outcomes: ItemOutcome[]) => void) | undefined;
  /** Turns parked refusals decided failed into failed rows; resolves once written or given up. */
  failParked?: ((outcomes: ItemOutcome[]) => Promise<void>) | undefined;
  /** The worker's commit permits, shared by its batches in flight (see SharedPermits). */
  permits?: SharedPermits | undefined;
  /** A reader of this batch was the first the server greylisted in it (the worker says so once). */
  onGreylisted?: ((failure: DeliveryFailure, retryMs: number) => void) | undefined;
}

/** How often a batch waiting for greylisted readers writes the outcomes it has. */
export const EARLY_RECORD_MS = 1000;

export interface BatchResult {
  /** Items whose refusals the batch ended holding: a later batch records them (see RefusalStreak). */
  carried?: number[] | undefined;
  stopped?: string | undefined;
  aborted?: string | undefined;
  halted?: Halted | undefined;
}

/**
 * Sends one claimed batch through the same delivery loop as a single sender (retries, refusal
 * streaks, the stop on an unreachable server) and collects the outcomes instead of writing each
 * one: the caller records them all at once with the items' done marks. Suppressed items come back
 * as skipped; items not started (interrupted, stopped, taken over) come back not at all.
 */
export async function sendBatch(
  batch: readonly ClaimedItem[],
  context: BatchContext,
): Promise<{ outcomes: ItemOutcome[]; result: BatchResult }> {
  const { project, report } = context;
  const { config, issue } = project;
  const outcomes: ItemOutcome[] = [];
  const itemOf = new Map<string, ClaimedItem>();
  const rolesOf = new Map<string, readonly string[]>();
  for (const item of batch) {
    if (!item.suppressed) {
      itemOf.set(item.email, item);
      continue;
    }
    // Suppressed since the plan was written, found as it was claimed: counted, as on one host.
    const subscriber = context.byEmail.get(item.email);
    if (subscriber) report.skip(segmentRoles(subscriber, context.segments), item.variantId, 'suppressed');
    outcomes.push({ seq: item.seq, email: item.email, variantId: item.variantId, status: 'skipped' });
  }
  const yielded = new Set<SendJob>();
  const jobs = function* (): Generator<SendJob> {
    for (const item of itemOf.values()) {
      if (context.isLost(item.seq)) continue;
      const subscriber = context.byEmail.get(item.email);
      // The plan fingerprint covers every address: a missing one means the list changed under us.
      if (!subscriber) throw new Error(`${item.email} is in the plan but not in this worker's readers`);
      const roles = segmentRoles(subscriber, context.segments);
      const suppressed = context.suppressedSince?.(item.email);
      if (suppressed !== undefined) {
        // Done without a message, counted as the plan counts suppressed readers.
        report.skip(roles, item.variantId, suppressedKind(suppressed || undefined));
        outcomes.push({ seq: item.seq, email: item.email, variantId: item.variantId, status: 'skipped' });
        continue;
      }
      rolesOf.set(item.email, roles);
      report.plan(roles, item.variantId);
      const messageId = messageIdFor(config, issue.id, subscriber.email, context.salt);
      const job: SendJob = {
        email: item.email,
        variantId: item.variantId,
        messageId,
        suppressedSince: () => context.suppressedSince?.(item.email),
        // A greylisted reader comes back minutes later: its lease may be another worker's by then.
        stillOurs: () => !context.isLost(item.seq),
        resumed: item.greylists > 0 ? { attempts: item.tries, greylists: item.greylists } : undefined,
        build: () =>
          buildFor(project, context.env, context.compiled, subscriber, item.variantId, messageId, context.now()),
      };
      yielded.add(job);
      yield job;
    }
    context.onExhausted?.();
  };
  // Written with the items' done marks as they come, and only once committed does a connection
  // write its next final dot (permits.ts): a worker killed mid-batch leaves unrecorded no more
  // than one accepted message a connection, as one sender does. Without `recordNow`, kept until
  // the batch ends.
  // A parked refusal's row is written already (deferred): its decision only turns it failed.
  const parked = new Set<number>();
  const collector: LedgerWriter = {
    recordMany(entries) {
      const all = entries.flatMap((entry) => outcomeOf(entry) ?? []);
      const rows = all.filter((row) => !parked.has(row.seq));
      const decided = all.filter((row) => parked.has(row.seq) && row.status === 'failed');
      const writes = [decided.length > 0 ? context.failParked?.(decided) : undefined];
      if (context.recordNow) writes.push(rows.length > 0 || decided.length === 0 ? context.recordNow(rows) : undefined);
      else outcomes.push(...rows);
      return Promise.all(writes).then(() => {});
    },
  };
  const outcomeOf = (entry: LedgerEntry): ItemOutcome | undefined => {
    const item = itemOf.get(canonicalAddress(entry.email));
    if (!item) return undefined;
    return {
      seq: item.seq,
      email: item.email,
      variantId: item.variantId,
      status: entry.status,
      messageId: entry.messageId,
      responseCode: entry.responseCode,
      response: entry.response,
      attempts: entry.attempts,
      updatedAt: (context.stamp ?? context.now)().toISOString(),
    };
  };
  // Once a reader is greylisted the batch lasts minutes: the outcomes it has are written meanwhile,
  // so a worker that dies in the wait leaves no accepted message unrecorded for another to send again.
  let early: NodeJS.Timeout | undefined;
  const recordEarly = context.recordEarly;
  const flush = () => {
    if (recordEarly && outcomes.length > 0) recordEarly(outcomes.splice(0));
  };
  const run = await runDeliveries(jobs(), {
    transport: context.transport,
    ledger: collector,
    limiter: context.limiter,
    concurrency: context.concurrency,
    retries: config.send.retries,
    retryBaseMs: config.send.retryBaseMs,
    greylistRetryMs: config.send.greylistRetryMs,
    confirmSuppressions: context.confirmSuppressions,
    lateSuppressionCheckMs: context.lateSuppressionCheckMs,
    onFirstGreylisted(failure, retryMs) {
      context.onGreylisted?.(failure, retryMs);
      if (recordEarly && !early) {
        early = setInterval(flush, EARLY_RECORD_MS);
        early.unref?.();
      }
    },
    signal: context.signal,
    accepted: context.accepted,
    refusals: context.refusals,
    moreToCome: context.moreToCome,
    permits: context.permits,
    // A greylisted reader waits minutes: back to the plan with a time, so no lease is held meanwhile
    // and any worker (this one included) takes them then; one claim at a time, as for any item.
    handBack(job, tries, retryMs) {
      const item = itemOf.get(job.email);
      if (!item) return;
      report.plan(rolesOf.get(job.email) ?? [], job.variantId, -1);
      outcomes.push({
        seq: item.seq,
        email: item.email,
        variantId: item.variantId,
        status: 'later',
        retryMs,
        tries: tries.attempts,
        greylists: tries.greylists,
      });
    },
    onSuppressed(job, reason) {
      // Suppressed while its message waited for a try: done without one, as if found at the claim.
      const item = itemOf.get(job.email);
      if (!item) return;
      const roles = rolesOf.get(job.email) ?? [];
      report.plan(roles, job.variantId, -1);
      report.skip(roles, job.variantId, suppressedKind(reason || undefined));
      outcomes.push({ seq: item.seq, email: item.email, variantId: item.variantId, status: 'skipped' });
    },
    onOutcome(job, outcome) {
      reportOutcome(report, rolesOf.get(job.email) ?? [], job, outcome);
    },
  }).finally(() => clearInterval(early));
  if (context.greylisted) context.greylisted.count += run.greylisted;
  const halted = run.halted && {
    reason: run.halted.error instanceof Error ? run.halted.error.message : String(run.halted.error),
    unrecorded: run.halted.unrecorded,
  };
  const held = (context.refusals?.held ?? []).filter(({ job }) => yielded.has(job));
  const carried = held.map(({ job }) => itemOf.get(job.email)!.seq);
  if (context.park && held.length > 0) {
    for (const seq of carried) parked.add(seq);
    context.park(held.flatMap(({ job, outcome }) => outcomeOf(rowOf(job, { ...outcome, status: 'deferred' })) ?? []));
  }
  return { outcomes, result: { carried, stopped: run.stopped, aborted: run.aborted, halted } };
}
