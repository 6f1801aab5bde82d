import { issueLayout } from '../analytics/layout.js';
import { type Project, withSubscribers } from '../load/project.js';
import type { SubscriberTable } from '../model/subscriber-table.js';
import type { StateLock } from '../state/contract.js';
import { openState } from '../state/open.js';
import { decideClickTags } from './click-tags.js';
import { buildFor, refuseOversizeRun, renderChecked, renderReaders } from './compose.js';
import { type EarlyConnection, startConnectionCheck } from './connection-check.js';
import { type OnceReadersHaveIt, onceReadersHaveIt, recordsSentReader } from './first-accepted.js';
import { greylistingNotice } from './greylist.js';
import { journalLineNotes } from './journal-lines.js';
import { type LateSuppressions, suppressionCursor, watchSuppressions } from './late-suppressions.js';
import { coversPartOfList, openResendNote, resendGeneration, resumingResendLine, stampsFrom } from './ledger.js';
import { leftLockNote } from './lock.js';
import { maybeDeliveredNote } from './maybe-delivered.js';
import { messageIdFor } from './message.js';
import { countByVariant, planDelivery, segmentRoles, suppressedKind } from './plan.js';
import { createProgress } from './progress.js';
import { createRateLimiter, describePace } from './rate-limit.js';
import { type Halted, reportOutcome, type SendReport } from './report.js';
import { runDeliveries, type SendJob } from './run.js';
import { warnAudience } from './send-checks.js';
import type { ResolvedSend } from './send-options.js';
import { createTransport } from './send-transport.js';
import { haltedBy } from './state-loss.js';
import type { MailTransport } from './transport.js';
import { createVariantUses } from './variant-uses.js';

/**
 * A send from this one host (a SQLite state file, or a wave of a scheduled send): takes the send
 * lock, plans against the ledger, delivers and records each outcome, and closes what it opened.
 */
export async function sendFromOneHost(
  project: Project,
  subscribers: SubscriberTable,
  context: ResolvedSend & {
    concurrency: number;
    early: EarlyConnection | undefined;
    noteFile: () => Promise<void>;
    markSent: OnceReadersHaveIt;
  },
): Promise<SendReport> {
  const { options, env, location, localDir, channel, segments, compile, concurrency, log, started, now } = context;
  const { early, noteFile, markSent } = context;
  const { config, issue } = project;
  const store = await openState(location, { growthLimitPages: env.stateGrowthLimitPages, localDir });
  let transport: MailTransport | undefined;
  let lock: StateLock | undefined;
  // Set once a failed write stopped the run (the report's reason for stopping).
  let halted: Halted | undefined;
  let late: LateSuppressions | undefined;
  // Awaited however the run ends: a picked.json write it started is never left running.
  let readersHaveIt: { done(): Promise<void> } | undefined;
  const state = async <T>(write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (error) {
      throw store.explain(error);
    }
  };
  try {
    if (!options.partOfRun) {
      lock = await state(() => store.lock(issue.id, { now, breakLock: options.breakLock }));
      const holder = lock.tookOverFrom;
      if (holder)
        log(`--break-lock: took over the send lock of pid ${holder.pid} on ${holder.host} (since ${holder.startedAt})`);
      if (lock.leftBy) log(leftLockNote(issue.id, lock.leftBy));
    }
    // Before planning: unsubscribes `serve` could only journal, and what an earlier run sent but
    // could not record (which counts as sent).
    const pending = await state(() => store.applyPending(now));
    for (const line of journalLineNotes(pending.journal)) log(line);
    if (pending.unrecorded > 0)
      log(
        `recorded ${pending.unrecorded} message(s) an earlier run sent but could not record (${pending.unrecordedFile})`,
      );
    // A resend's rows are stamped no earlier than its start (see stampsFrom).
    let stampFloor: string | undefined;
    const ledger = store.ledger(
      issue.id,
      channel,
      stampsFrom(now, () => stampFloor),
    );
    transport = early ? await early.transport : await createTransport(project, env, options, log);
    const {
      since: resendSince,
      resumed,
      leftOpen,
    } = await state(() => resendGeneration(ledger, Boolean(options.resend), now(), options.resendSince));
    stampFloor = resendSince;
    if (resumed && !options.partOfRun) log(resumingResendLine(resumed));
    if (leftOpen && !options.partOfRun) log(openResendNote(leftOpen));
    const cursor = await state(() => suppressionCursor(store.suppressions));
    const suppressions = await state(() => store.suppressions.index());
    const isSuppressed = suppressions.isSuppressed;
    const recorded = await state(() => ledger.recorded());
    const sentBefore = recordsSentReader(recorded);
    const plan = planDelivery(project, subscribers, {
      segments,
      onlyEmails: options.onlyEmails,
      isSuppressed,
      suppressionReason: suppressions.reason,
      recorded,
      resend: Boolean(options.resend),
      alreadyResent: resumed ? await state(() => ledger.sentSince(resumed)) : undefined,
      retryFailed: Boolean(options.retryFailed),
      mode: transport.kind,
      destination: transport.destination,
      compact: true,
    });
    warnAudience(project, subscribers, plan, { segments, options, isSuppressed, channel, log });
    const sentAgain = maybeDeliveredNote(await state(() => ledger.maybeDelivered()), plan.sending, false);
    if (sentAgain) log(sentAgain);
    // Awaited only once the plan stands; with --strict started only then, so a refused plan opens
    // no connection. Otherwise its first connection opened while the issue loaded (connectEarly).
    // No more connections opened ahead than there are messages to send.
    const connectionChecked = startConnectionCheck(transport, plan.sending.length, early?.opening);
    // The render needs the readers' languages and longest values only, not the list.
    const readersByLocale = withSubscribers(project, renderReaders(subscribers));
    decideClickTags(
      plan.audience.variants,
      await state(() => store.clickTags(issue.id)),
      config.tracking.minVariantReaders,
      {
        planned: plan.audience.variants,
        partOfList: coversPartOfList({ segments, onlyEmails: options.onlyEmails }),
        project,
        subscribers,
        isSuppressed,
      },
    );
    const compiled = await renderChecked(compile, readersByLocale, plan.audience.variants, log, env.secret, false, {
      onWarning: options.onWarning,
      strict: options.strict,
    });
    // Connection and credentials are checked before the first message, so a typo sends nothing.
    await connectionChecked();
    // Messages left to build per variant: after its last, its encoded body is let go.
    const toBuild = countByVariant(plan.sending);
    // Only the variants this run sends: the editor edition is compiled every time, sent to few.
    refuseOversizeRun(transport, project, env, compiled, plan.sending, toBuild, now());
    // Who got what, for `rolecast report` (the ledger holds only a variant id per reader), and each
    // role set's `?v=` decision, which every later run keeps: recorded by a run that mails readers.
    // A trial to the outbox reaches nobody, perhaps from a list of its own, and decides nothing.
    if (transport.kind === 'smtp')
      await state(() => store.recordLayout(issue.id, issueLayout(plan.audience.variants, issue.summaries), now()));
    await noteFile();
    // The whole plan, already-sent readers included: status counts pending as planned − sent − failed − deferred.
    if (!options.partOfRun) await state(() => ledger.startRun(plan.audienceSize, resendSince));

    // One Message-ID per resend generation: a resumed resend repeats it, so a provider can drop a copy.
    const salt = resendSince ? `resend:${resendSince}` : '';
    const roleOf = new Map<string, readonly string[]>();
    const uses = createVariantUses(toBuild, (variantId) => compiled.delete(variantId));
    // A state file found moved while a message waits (a retry, a rate limit) stops the run then,
    // not at the next ledger write: the suppressions read since are no longer seen.
    const stateLost = new AbortController();
    late = watchSuppressions(store.suppressions, cursor, {
      everyMs: options.lateSuppressionCheckMs,
      patienceMs: options.lookPatienceMs,
      log,
      onStateLost: () => stateLost.abort(),
    });
    const watched = late;
    const jobs = function* (): Generator<SendJob> {
      for (const { subscriber, variantId } of plan.sending) {
        const suppressed = watched.reason(subscriber.email);
        if (suppressed !== undefined) {
          // Suppressed since the plan: counted as the plan counts suppressed readers, and never sent.
          const roles = segmentRoles(subscriber, segments);
          plan.report.plan(roles, variantId, -1);
          plan.report.skip(roles, variantId, suppressedKind(suppressed || undefined));
          uses.skipped(variantId);
          continue;
        }
        const messageId = messageIdFor(config, issue.id, subscriber.email, salt);
        roleOf.set(subscriber.email, segmentRoles(subscriber, segments));
        let built = false;
        let finished = false;
        yield {
          email: subscriber.email,
          variantId,
          messageId,
          suppressedSince: () => watched.reason(subscriber.email),
          suppressedNow: () => watched.reasonNow(subscriber.email),
          build: () => {
            const first = !built;
            const mail = buildFor(project, env, compiled, subscriber, variantId, messageId, now(), {
              lastOfVariant: first && uses.lastFirstBuild(variantId),
            });
            built = true;
            if (first) uses.built(variantId);
            return mail;
          },
          done: () => {
            if (built && !finished) uses.finished(variantId);
            finished = true;
          },
        };
      }
    };
    const progress = options.progress && createProgress({ ...options.progress, planned: plan.sending.length });
    const telling = onceReadersHaveIt(transport, sentBefore, markSent);
    readersHaveIt = telling;
    const { stopped, aborted, ...run } = await runDeliveries(jobs(), {
      transport: telling.transport,
      ledger,
      limiter: createRateLimiter(transport.kind === 'smtp' ? (options.ratePerSecond ?? config.send.ratePerSecond) : 0, {
        onChange: (change) => log(describePace(change)),
      }),
      concurrency,
      retries: config.send.retries,
      retryBaseMs: config.send.retryBaseMs,
      greylistRetryMs: config.send.greylistRetryMs,
      confirmSuppressions: watched.confirm,
      lateSuppressionCheckMs: options.lateSuppressionCheckMs,
      lookAgain: watched.lookAgain,
      // Refusals the list ends with fail their readers only once the server took a message of the issue.
      accepted: { any: false, before: sentBefore },
      onFirstGreylisted: (failure, retryMs) => log(greylistingNotice(failure.response, retryMs)),
      signal: options.signal ? AbortSignal.any([options.signal, stateLost.signal]) : stateLost.signal,
      onSuppressed(job, reason) {
        // Suppressed while its message waited for a try: counted as one suppressed before it started.
        const roles = roleOf.get(job.email) ?? [];
        roleOf.delete(job.email);
        plan.report.plan(roles, job.variantId, -1);
        plan.report.skip(roles, job.variantId, suppressedKind(reason || undefined));
        progress?.update(plan.report.total);
      },
      onOutcome(job, outcome) {
        const roles = roleOf.get(job.email) ?? [];
        roleOf.delete(job.email);
        reportOutcome(plan.report, roles, job, outcome);
        progress?.update(plan.report.total);
      },
    });
    progress?.done();
    await telling.done();
    if (run.halted)
      halted = haltedBy(run.halted, {
        sideFileBase: store.sideFileBase,
        explain: (error) => store.explain(error),
        issueId: issue.id,
        channel,
        now,
        log,
      });
    const left = plan.report.total.pending + plan.report.total.deferred;
    // A Ctrl-C after the last message finished interrupted nothing: the run is simply done.
    const interrupted = Boolean(options.signal?.aborted) && left > 0;
    const elapsedMs = performance.now() - started;
    const report = plan.report.finish({
      interrupted,
      stopped,
      aborted,
      halted,
      greylisted: run.greylisted,
      unjudged: run.unjudged,
      elapsedMs,
    });
    const failed = report.total.failed + left > 0 || halted !== undefined;
    const outcome = interrupted ? 'interrupted' : aborted ? 'aborted' : failed ? 'failed' : 'complete';
    // After a failed write the run record most likely cannot be written either: tried, and the
    // report says why the run stopped whether or not it could be.
    // A resend of some segments, or of some addresses, leaves the rest of the list its copy to come.
    const partial = coversPartOfList({ segments, onlyEmails: options.onlyEmails });
    if (!options.partOfRun && halted)
      await cleanup('record the end of the run', () => ledger.finishRun(outcome, partial), log);
    else if (!options.partOfRun) await state(() => ledger.finishRun(outcome, partial));
    return report;
  } finally {
    // Each step on its own: a lock that cannot be released (the same full disk) must neither hide
    // the error that stopped the run nor skip closing the database. A lock left behind is stale
    // once this process has exited, and the next run takes it over.
    late?.stop();
    await readersHaveIt?.done();
    await cleanup('close the SMTP connections', () => transport?.close(), log);
    await cleanup('release the send lock', () => lock?.release(), log);
    await cleanup('close the state file', () => store.close(), log);
  }
}

async function cleanup(what: string, step: () => unknown, log: (line: string) => void): Promise<void> {
  try {
    await step();
  } catch (error) {
    log(`warning: could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
