import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { canonicalAddress } from '../../address.js';
import { issueLayout } from '../../analytics/layout.js';
import { clickBase } from '../../analytics/track-links.js';
import type { Environment } from '../../config/env.js';
import { migrate, openPostgres } from '../../db/postgres.js';
import type { Problem } from '../../errors.js';
import { type Project, withSubscribers } from '../../load/project.js';
import type { Subscriber } from '../../model/subscriber.js';
import { migrateState, postgresState } from '../../state/postgres/index.js';
import { readPlanReaders } from '../../state/postgres/plan-readers.js';
import { openSendQueue, type SendQueue } from '../../state/postgres/queue.js';
import { WORKER_MIGRATIONS } from '../../state/postgres/queue-schema.js';
import type { Channel } from '../channel.js';
import { decideClickTags } from '../click-tags.js';
import { type Compile, refuseOversizeRun, renderChecked } from '../compose.js';
import { startConnectionCheck } from '../connection-check.js';
import { type OnceReadersHaveIt, onceReadersHaveIt, recordsSentReader } from '../first-accepted.js';
import { greylistingNotice } from '../greylist.js';
import { refusalStreak } from '../held-refusals.js';
import { type LateSuppressions, suppressionCursor, watchSuppressions } from '../late-suppressions.js';
import {
  coversPartOfList,
  type DeliveryStatus,
  openResendNote,
  resendGeneration,
  resumingResendLine,
  stampsFrom,
} from '../ledger.js';
import { maybeDeliveredNote } from '../maybe-delivered.js';
import { countByVariant, type DeliveryPlan, planDelivery } from '../plan.js';
import type { SendReport } from '../report.js';
import { haltedBy } from '../state-loss.js';
import type { MailTransport } from '../transport.js';
import type { BatchResult } from './batch.js';
import { errorMessage, startHeartbeat } from './heartbeat.js';
import { watchLeases } from './lease-watch.js';
import { closeWorkerRun, runPipeline } from './pipeline.js';
import { createSharedRate } from './rate-share.js';
import { refuseWhileLocked } from './send-lock-check.js';
import { keptChecksAgree, keptReadersCheck, keyCheck, planFingerprint, withContent, workerReport } from './share.js';
import { replaySideFile } from './side-file-replay.js';

/** A worker silent for this long loses its unfinished items to the others. */
export const DEFAULT_LEASE_MS = 30_000;
/**
 * Leases a worker holds at once, over the (at most two) batches in flight of half this size: the
 * most a worker that dies leaves to the others (of which only one accepted message a connection
 * may be unrecorded, see pipeline.ts).
 */
export const DEFAULT_BATCH = 100;

export interface WorkerSendOptions {
  project: Project;
  subscribers: readonly Subscriber[];
  env: Environment;
  databaseUrl: string;
  channel: Channel;
  segments: string[];
  onlyEmails?: ReadonlySet<string> | undefined;
  resend: boolean;
  retryFailed: boolean;
  /** The limit for all workers together; undefined: the config's. */
  ratePerSecond: number | undefined;
  concurrency: number;
  compile: Compile;
  openTransport(): Promise<MailTransport>;
  /** The load and audience warnings, judged on the whole list (and `--strict`), before anything is sent. */
  /** `readers`: the running plan's kept readers, when this worker took them instead of its own list. */
  warn(plan: DeliveryPlan, isSuppressed: (email: string) => boolean, readers?: readonly Subscriber[]): void;
  /** Each render warning told to the end-of-run count; with `strict`, one refuses the send before anything is claimed. */
  renderWarnings?: { onWarning?: ((problem: Problem) => void) | undefined; strict?: boolean | undefined } | undefined;
  signal?: AbortSignal | undefined;
  log(line: string): void;
  now(): Date;
  /** performance.now() when the command started. */
  started: number;
  leaseMs?: number | undefined;
  batchSize?: number | undefined;
  /** Where a batch's outcomes go when the database keeps refusing them (see state-loss.ts); replayed at the next start. */
  sideFileBase?: string | undefined;
  /** Start even when a holder of the send lock on another host cannot be checked. */
  breakLock?: boolean | undefined;
  /** How often the suppression list is read again during the run (see late-suppressions.ts). */
  lateSuppressionCheckMs?: number | undefined;
  /** How long a message waits for the list to be readable right before it (see late-suppressions.ts). */
  lookPatienceMs?: number | undefined;
  /** Called once this worker is on a plan and about to send (not when refused before). */
  beforeSending?: (() => Promise<void>) | undefined;
  /** Called once readers have the issue: the ledger records one mailed, or this worker's first message was accepted. */
  onceReadersHaveIt?: OnceReadersHaveIt | undefined;
}

/**
 * `rolecast send` against PostgreSQL: one of any number of cooperating workers. The first to
 * arrive writes the plan; every worker then claims batches under a lease, sends them, and records
 * each batch's outcomes together with the items' done marks. A worker that dies stops renewing its
 * lease, and once it runs out another worker claims its unfinished items. Returns this worker's report.
 */
export async function sendAsWorker(options: WorkerSendOptions): Promise<SendReport> {
  const { project, subscribers, log } = options;
  const { config, issue } = project;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pool = await openPostgres(options.databaseUrl, { max: 3, applicationName: 'rolecast send' });
  let transport: MailTransport | undefined;
  let queue: SendQueue | undefined;
  let stopBeating: (() => Promise<void>) | undefined;
  let late: LateSuppressions | undefined;
  // Awaited however the run ends: a picked.json write it started is never left running.
  let readersHaveIt: { done(): Promise<void> } | undefined;
  // Sent but recorded nowhere in the database: their leases run out instead of being handed back.
  let keepLeased: number[] = [];
  // A database gone away mid-run reads as such (exit 3, run again), not as a bug.
  let explain = (error: unknown) => error;
  try {
    await migrateState(pool);
    await migrate(pool, 'workers', WORKER_MIGRATIONS);
    const store = postgresState(pool, options.databaseUrl, { ownsPool: false });
    explain = (error) => store.explain(error);
    // Taken before the list is read: whatever is suppressed after it is caught before its message.
    const cursor = await suppressionCursor(store.suppressions);
    const suppressions = await store.suppressions.index();
    const isSuppressed = suppressions.isSuppressed;
    const suppressionReason = suppressions.reason;
    transport = await options.openTransport();
    const mode = transport.kind;
    const destination = transport.destination;
    // What an earlier run on this host sent but could not record: recorded first, never sent again.
    if (options.sideFileBase) await replaySideFile(pool, options.sideFileBase, options.now, log);
    // Readers from the subscriber store change while a send runs (signups, preferences): a worker
    // joining a running plan takes the readers it was made from, or its list would be another plan.
    // Only a list from the store alone: a worker given a file plans from its file.
    const fromStore = project.readers?.source === 'store';
    const kept = fromStore ? await readPlanReaders(pool, issue.id, options.channel) : undefined;
    const planReaders = kept?.readers;
    const readers = planReaders ?? subscribers;
    // Languages to render, warnings and role-set counts come from the same readers as the plan.
    const planned = planReaders ? withSubscribers(project, planReaders) : project;
    const ledger = store.ledger(issue.id, options.channel);
    const recordedAtStart = await ledger.recorded();
    const sentBefore = recordsSentReader(recordedAtStart);
    const { since: resendSince, resumed, leftOpen } = await resendGeneration(ledger, options.resend, options.now());
    // The readers the resumed resend already reached are not sent it again.
    const alreadyResent = resumed ? await ledger.sentSince(resumed) : undefined;
    if (resumed) log(resumingResendLine(resumed));
    if (leftOpen) log(openResendNote(leftOpen));
    const plannedWith = (recorded: ReadonlyMap<string, DeliveryStatus>) =>
      planDelivery(planned, readers, {
        segments: options.segments,
        onlyEmails: options.onlyEmails,
        isSuppressed,
        suppressionReason,
        recorded,
        resend: options.resend,
        alreadyResent,
        retryFailed: options.retryFailed,
        mode,
        destination,
      });
    const startPlan = plannedWith(recordedAtStart);
    options.warn(startPlan, isSuppressed, planReaders);
    // Readers an earlier run may have reached already: named, as by one sender, before anything is sent.
    const sentAgain = maybeDeliveredNote(await ledger.maybeDelivered(), startPlan.sending, false);
    if (sentAgain) log(sentAgain);
    const { fingerprint, audience } = planFingerprint(planned, readers, options);
    // Checked while the issue renders, awaited before anything is claimed. No more connections
    // opened ahead than messages are left for all workers: this one claims at most those.
    const connectionChecked = startConnectionCheck(transport, startPlan.sending.length);
    // The fingerprint's audience counts suppressed readers too (so a reader suppressed mid-send
    // changes no plan); a role set's `?v=` is decided by the readers it has without them.
    decideClickTags(audience.variants, await store.clickTags(issue.id), config.tracking.minVariantReaders, {
      planned: startPlan.audience.variants,
      partOfList: coversPartOfList(options),
      project: planned,
      subscribers: readers,
      isSuppressed,
    });
    // Every variant of the unsuppressed audience: whichever items this worker claims, it can build them.
    const compiled = await renderChecked(
      options.compile,
      planned,
      audience.variants,
      log,
      options.env.secret,
      false,
      options.renderWarnings,
    );
    await connectionChecked();
    // As one sender does: a variant larger than the server takes is refused before anything is claimed.
    const counts = countByVariant(startPlan.sending);
    refuseOversizeRun(transport, planned, options.env, compiled, startPlan.sending, counts, options.now());

    await refuseWhileLocked(pool, issue.id, options.breakLock);
    // Who got what, for `rolecast report` (the ledger holds only a variant id per reader), and each
    // role set's `?v=` decision: recorded once this worker may send, before it claims anything, by a
    // run that mails readers. A trial to the outbox reaches nobody, perhaps from a list of its own.
    if (mode === 'smtp')
      await store.recordLayout(issue.id, issueLayout(audience.variants, issue.summaries), options.now());
    const worker = {
      id: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      host: hostname(),
      pid: process.pid,
    };
    queue = openSendQueue(pool, {
      issueId: issue.id,
      channel: options.channel,
      worker,
      leaseMs,
      breakLock: options.breakLock,
    });
    const tracking = contentTracking(config, options.env.secret, issue.id);
    // Readers erased since the plan kept its list are missing from it: the rest must agree.
    const keptCheck = fromStore ? keptReadersCheck(options, compiled, tracking) : undefined;
    const opened = await queue.openPlan(
      withContent(fingerprint, compiled, tracking),
      (recorded) => {
        const fresh = plannedWith(recorded as Map<string, DeliveryStatus>);
        const since = resendSince;
        return {
          items: fresh.toSend.map((r) => ({ email: canonicalAddress(r.subscriber.email), variantId: r.variantId })),
          readers: fresh.audience.recipients.length,
          salt: since ? `resend:${since}` : '',
          resendSince: since,
          keptReaders: fromStore && fresh.toSend.length > 0 ? readers : undefined,
        };
      },
      keyCheck(options.env.secret),
      keptCheck === undefined
        ? undefined
        : { check: keptCheck, from: kept?.planId, agrees: (stored) => keptChecksAgree(stored, keptCheck) },
      {
        resend: options.resend,
        audience: fingerprint,
        readers: audience.recipients.length,
        content: withContent('', compiled, tracking),
      },
    );
    await options.beforeSending?.();
    if (opened.rekeyed)
      log(
        'warning: this plan was begun by workers with another ROLECAST_SECRET; its remaining messages are signed with this one, and the unsubscribe links already sent verify only where serve has the key they were signed with',
      );
    if (planReaders) log(planReadersLine(planReaders.length, opened.wrote));
    if (opened.replaced)
      log(
        `replaced the unfinished plan of ${opened.replaced.createdAt} (${opened.replaced.createdBy}): it was for another audience or other messages and no worker is left on it`,
      );
    log(
      opened.wrote
        ? `worker pid ${worker.pid} on ${worker.host}: wrote the plan, ${opened.plan.items} message(s) to send; workers started with the same list share it`
        : `worker pid ${worker.pid} on ${worker.host}: joined the plan written at ${opened.plan.createdAt} by ${opened.plan.createdBy} (${opened.plan.items} message(s))`,
    );

    // The plan's resend start, which a joining worker's clock may not have reached: the ledger rows
    // and the side file's lines (recorded as they say by the next run) are dated no earlier.
    const stamp = stampsFrom(options.now, () => opened.plan.resendSince ?? undefined);
    const rate = createSharedRate(mode === 'smtp' ? (options.ratePerSecond ?? config.send.ratePerSecond) : 0);
    const report = workerReport(project, startPlan.audience, {
      variants: audience.variants,
      segments: options.segments,
      mode,
      destination,
      suppressionReason,
      recorded: recordedAtStart,
      resend: options.resend,
      retryFailed: options.retryFailed,
    });
    const greylisted = { count: 0 };
    let greylistNoticed = false;
    const leases = watchLeases({ leaseMs, log, now: () => (options.now?.() ?? new Date()).getTime() });
    const { holding, clock } = leases;
    const beats = startHeartbeat(
      queue,
      leaseMs,
      log,
      () => new Set(holding),
      (before, held, live, startedAt) => {
        rate.setWorkers(live);
        leases.beaten(before, held, startedAt);
      },
      clock,
    );
    stopBeating = beats.stop;
    await beats.first;

    const byEmail = new Map(readers.map((s) => [canonicalAddress(s.email), s]));
    const stalled = leases.stalled;
    const signal = options.signal ? AbortSignal.any([options.signal, stalled]) : stalled;
    late = watchSuppressions(store.suppressions, cursor, {
      everyMs: options.lateSuppressionCheckMs,
      patienceMs: options.lookPatienceMs,
      signal,
      afterOutage: leases.renewed,
      log,
    });
    const shared = queue;
    const telling = onceReadersHaveIt(
      transport,
      sentBefore,
      options.onceReadersHaveIt ?? { act: async () => {}, failed: () => {} },
    );
    readersHaveIt = telling;
    const streak = refusalStreak();
    const run = await runPipeline({
      queue: {
        claim: async (limit) => {
          const at = clock();
          const items = await shared.claim(limit, holding);
          leases.claimed(items, at);
          return items;
        },
        complete: (outcomes) => shared.complete(outcomes),
        failParked: (outcomes) => shared.failParked(outcomes),
        progress: () => shared.progress(),
        markDone: (seqs) => shared.markDone(seqs),
      },
      window: options.batchSize ?? DEFAULT_BATCH,
      holding,
      isLost: leases.isLost,
      signal,
      log,
      batch: {
        project,
        env: options.env,
        compiled,
        byEmail,
        salt: opened.plan.salt,
        segments: options.segments,
        transport: telling.transport,
        limiter: rate,
        concurrency: options.concurrency,
        report,
        now: options.now,
        stamp,
        suppressedSince: late.reason,
        confirmSuppressions: late.confirm,
        lateSuppressionCheckMs: options.lateSuppressionCheckMs,
        // Refusals of the messages themselves before any was accepted stop the run (run.ts), not each batch.
        accepted: { any: false, before: sentBefore, elsewhere: async () => recordsSentReader(await ledger.recorded()) },
        // Nor does each batch count the same refusal in a row from none: a blanket one would fail them all.
        refusals: streak,
        greylisted,
        // Said once a worker run, as by one sender, however many of its batches are greylisted.
        onGreylisted(failure, retryMs) {
          if (greylistNoticed) return;
          greylistNoticed = true;
          log(greylistingNotice(failure.response, retryMs));
        },
      },
    });
    await telling.done();
    const totals = { takenOver: run.takenOver, lost: run.lost };
    keepLeased = run.unrecordedSeqs;
    // With PostgreSQL the state folder may never have been needed before.
    if (run.writeError !== undefined && options.sideFileBase)
      mkdirSync(dirname(options.sideFileBase), { recursive: true });
    const result: BatchResult = {
      stopped: run.stopped,
      aborted: run.aborted,
      halted:
        run.writeError === undefined
          ? run.halted
          : haltedBy(
              { error: run.writeError, unrecorded: run.unrecorded },
              {
                sideFileBase: options.sideFileBase,
                explain,
                issueId: issue.id,
                channel: options.channel,
                now: stamp,
                log,
              },
            ),
    };

    const progress = await closeWorkerRun(queue, {
      signal,
      // A stall is most often the same outage: only the person stopping the run cuts the wait short.
      stopWaiting: options.signal,
      result,
      partOfList: coversPartOfList(options),
      log,
    });
    // Held up past its lease, it stopped as interrupted, though other workers may have finished the plan since.
    const interrupted = progress.interrupted || stalled.aborted;
    const t = report.total;
    const trips = queue.roundTrips();
    log(
      `worker pid ${worker.pid} on ${worker.host}: ${t.sent} sent, ${t.failed} failed, ${t.deferred} deferred of the plan's ${opened.plan.items}; ${totals.takenOver} taken over from a worker whose lease ran out; ${trips} database round trips (${(trips / Math.max(1, t.sent + t.failed + t.deferred)).toFixed(3)} per message)`,
    );
    // As a single send says when it takes over the lock of a killed one (see leftLockNote).
    if (totals.takenOver > 0)
      log(
        `notice: ${totals.takenOver} reader(s) were taken over from a worker that stopped without finishing them (killed, its host went down, or held up past its lease): a message it had handed to the server and not recorded yet, at most one a connection of it, may have been sent again now, with the same Message-ID`,
      );
    if (totals.lost > 0)
      log(
        `warning: this worker lost the lease on ${totals.lost} item(s) before recording them (it was too slow to renew); another worker may have sent those readers a second copy`,
      );
    if (progress.open > 0)
      log(
        `${progress.open} message(s) of the plan are not sent yet: other workers, or the same command run again, send them`,
      );
    return report.finish({
      interrupted,
      stopped: result.stopped,
      aborted: result.aborted,
      halted: result.halted,
      greylisted: greylisted.count,
      unjudged: streak.unjudged,
      elapsedMs: performance.now() - options.started,
    });
  } catch (error) {
    throw explain(error);
  } finally {
    late?.stop();
    await readersHaveIt?.done();
    await stopBeating?.();
    // A clean exit hands unfinished items back at once instead of after the lease.
    await queue
      ?.release(keepLeased)
      .catch((error: unknown) => log(`warning: could not release this worker's leases: ${errorMessage(error)}`));
    await Promise.resolve(transport?.close()).catch(() => {});
    await pool.end().catch(() => {});
  }
}

/** What a plan's fingerprint needs to read tracked links (see `withContent`), when links are tracked. */
function contentTracking(
  config: Project['config'],
  secret: string | undefined,
  issueId: string,
): { base: string; secret: string; issueId: string } | undefined {
  const base = config.tracking.clicks && secret ? clickBase(config) : undefined;
  return base && secret ? { base, secret, issueId } : undefined;
}

function planReadersLine(count: number, wrote: boolean): string {
  return wrote
    ? `the send this worker found running ended as it started: it planned from that send's ${count} reader(s); run the same command again once it is done to reach readers who signed up since`
    : `the send running now was planned from the subscriber store as it was then: this worker sends to those ${count} reader(s); readers who signed up since are reached by the next run, and role changes count from a reader's next message`;
}
