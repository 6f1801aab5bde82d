import { canonicalAddress } from '../address.js';
import { issueLayout } from '../analytics/layout.js';
import { verpSetupProblem } from '../bounces/verp.js';
import { assertStrongSecret, type Environment, readEnvironment } from '../config/env.js';
import type { ResolvedConfig } from '../config/schema.js';
import { formatProblem, type Problem, RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { loadProject, type Project, subscriberTable, withSubscribers } from '../load/project.js';
import { SubscriberTable } from '../model/subscriber-table.js';
import type { CompiledVariant } from '../render/index.js';
import type { StateLock } from '../state/contract.js';
import { type StateLocation, stateLocation } from '../state/location.js';
import { openState, openStateToRehearse, postgresSideFileBase } from '../state/open.js';
import { noteFileFieldsAt } from '../store/open-location.js';
import { type Channel, deliveryChannel, outboxFolder } from './channel.js';
import { decideClickTags } from './click-tags.js';
import { buildFor, type Compile, defaultCompile, renderChecked } from './compose.js';
import { connectEarly, type EarlyConnection, startConnectionCheck } from './connection-check.js';
import { type LateSuppressions, suppressionCursor, watchSuppressions } from './late-suppressions.js';
import {
  coversPartOfList,
  type DeliveryStatus,
  openResendNote,
  resendGeneration,
  resumingResendLine,
} from './ledger.js';
import { messageIdFor } from './message.js';
import {
  audienceWarnings,
  COUNT_ONLY,
  countByVariant,
  type DeliveryPlan,
  issueRoles,
  normaliseSegments,
  planDelivery,
  planRecipients,
  segmentRoles,
  suppressedKind,
} from './plan.js';
import { createProgress } from './progress.js';
import { createRateLimiter, describePace } from './rate-limit.js';
import type { Halted, SendReport } from './report.js';
import { runDeliveries, type SendJob } from './run.js';
import { haltedBy, readUnrecorded, warnIfStateLost } from './state-loss.js';
import { sendTestMessage } from './test-send.js';
import {
  createOutboxTransport,
  createSmtpTransport,
  type MailTransport,
  parseSmtpUrl,
  readDkim,
  type SmtpTimeouts,
  shownUser,
} from './transport.js';
import { wireSupported } from './wire/pool.js';
import { sendAsWorker } from './workers/worker.js';

export { buildFor, type Compile } from './compose.js';

export interface SendOptions {
  issueDir: string;
  /** Without it, the readers in the subscriber store (see src/store). */
  subscribersFile?: string | undefined;
  configFile?: string | undefined;
  cwd: string;
  /** The process environment (SMTP_URL, ROLECAST_SECRET, DKIM); read only through readEnvironment. */
  env: NodeJS.ProcessEnv;
  segments?: string[] | undefined;
  /** Only these addresses, compared case-insensitively: one wave of a scheduled send. */
  onlyEmails?: ReadonlySet<string> | undefined;
  /**
   * This send is one part of a larger run whose caller holds the send lock and keeps the ledger's
   * run record (a scheduled send: one lock and one record for all its waves), so it neither takes
   * the lock nor starts or finishes a record itself, and leaves load warnings to the caller.
   */
  partOfRun?: boolean | undefined;
  /** With `resend` and `partOfRun`: the start of the caller's resend, whose readers are not sent again. */
  resendSince?: string | undefined;
  /** Take the send lock even from a holder that cannot be checked (another host). */
  breakLock?: boolean | undefined;
  /** SMTP timeouts; the defaults suit real servers, tests shorten them. */
  smtpTimeouts?: Partial<SmtpTimeouts> | undefined;
  dryRun?: boolean | undefined;
  /** Write `.eml` files here instead of sending, even when SMTP_URL is set. */
  outbox?: string | undefined;
  /** Send one message to `to`, rendered as subscriber `as` would get it (else the editor edition). */
  test?: { to: string; as?: string | undefined } | undefined;
  concurrency?: number | undefined;
  /** Messages per second; 0 or Infinity for no limit. */
  ratePerSecond?: number | undefined;
  stateFile?: string | undefined;
  resend?: boolean | undefined;
  retryFailed?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** How often the suppression list is read again while sending (default: every second). */
  lateSuppressionCheckMs?: number | undefined;
  now?: (() => Date) | undefined;
  progress?: { stream: NodeJS.WritableStream; isTTY: boolean } | undefined;
  /** Notices for the person running the command (where messages go, render warnings). */
  log?: ((line: string) => void) | undefined;
  /** Told of each warning logged before sending, so the end of the run can count them. */
  onWarning?: ((problem: Problem) => void) | undefined;
  /** Refuse to send (exit 2, nothing sent) when loading or the audience audit found any warning. */
  strict?: boolean | undefined;
  /** The render stage; replaceable in tests. */
  compile?: Compile | undefined;
}

/** Plans, renders and delivers an issue, resuming where an earlier run stopped. */
export async function sendIssue(options: SendOptions): Promise<SendReport> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const early: { connection?: EarlyConnection } = {};
  try {
    const project = await loadProject({
      issueDir: options.issueDir,
      subscribersFile: options.subscribersFile,
      configFile: options.configFile,
      cwd: options.cwd,
      stateFile: options.stateFile,
      now: now(),
      env: options.env,
      onConfig: (config) => {
        early.connection = connectsEarly(config, options)
          ? connectEarly(() => smtpTransport(config, readEnvironment(options.env), options))
          : undefined;
      },
    });
    return await sendLoaded(project, options, { started, now, early: early.connection });
  } finally {
    // Whatever stopped the run before it took the transport over; closing it twice is harmless.
    await early.connection?.close();
  }
}

/**
 * Whether a run connects to the SMTP server while its issue loads: a real send over SMTP, from one
 * sender. Not with --strict, whose refused plan must connect to nothing, nor for a dry run, a test
 * send, a wave (its caller plans) or PostgreSQL workers (they open their own).
 */
function connectsEarly(config: ResolvedConfig, options: SendOptions): boolean {
  if (options.strict || options.dryRun || options.test || options.partOfRun || options.outbox) return false;
  // Without the wire pool a check cannot keep its connection: an early one would only be made twice.
  if (!wireSupported()) return false;
  try {
    const env = readEnvironment(options.env);
    return Boolean(env.smtpUrl) && stateLocation(config, env, options.cwd, options.stateFile).kind === 'sqlite';
  } catch {
    // A setting that does not read: the run reports it in its place, and connects as it did.
    return false;
  }
}

async function sendLoaded(
  project: Project,
  options: SendOptions,
  { started, now, early }: { started: number; now: () => Date; early: EarlyConnection | undefined },
): Promise<SendReport> {
  const log = options.log ?? (() => {});
  // The loaded readers stay a compact table: planned and sent a reader at a time, never an array.
  const subscribers = subscriberTable(project);
  if (!subscribers)
    throw new RolecastError('E_USAGE', 'no subscribers: no --subscribers FILE and no readers in the subscriber store', {
      hint: 'pass --subscribers FILE, or add readers with `rolecast subscribers import FILE` or the signup form of `rolecast serve`',
    });
  const env = readEnvironment(options.env);
  const { config, issue } = project;
  const segments = normaliseSegments(project.taxonomy, options.segments ?? [], issueRoles(issue.summaries));
  const compile = options.compile ?? defaultCompile;
  const concurrency = options.concurrency ?? config.send.concurrency;
  // Printed before anything is sent: an unknown role is only a warning, but it changes who gets what.
  if (!options.partOfRun) logProblems(project.problems, log, options.onWarning);

  if (options.test) {
    // A test message's links are signed as a real one's: a weak key is refused here too.
    assertStrongSecret(env.secret);
    const transport = await createTransport(project, env, options, log);
    return sendTestMessage({
      project,
      state: { cwd: options.cwd ?? process.cwd(), stateFile: options.stateFile },
      subscribers: project.subscribers ?? [],
      env,
      transport,
      compile,
      test: options.test,
      now,
      started,
    });
  }

  // A dry run and a test send show a draft; only a finished summary reaches readers.
  if (!options.dryRun) refuseDrafts(project);
  const location = stateLocation(config, env, options.cwd, options.stateFile);
  // Noted only once the send goes ahead (past --strict, the send lock and the plan's checks): a
  // refused send read the file for nothing, and the next one notes it then.
  const noteFile = async () => {
    if (project.fileNotes) await noteFileFieldsAt(location, project.fileNotes, now(), log);
  };
  // Where a stopped run lists what it could not record: beside the SQLite file, else in stateDir.
  const localDir = config.stateDirAbs;
  const channel = deliveryChannel({
    config,
    issueId: issue.id,
    cwd: options.cwd,
    outbox: options.outbox,
    smtpUrl: env.smtpUrl,
  });
  checkUnsubscribeSetup(config, env, channel, log);
  checkBounceSetup(config, env, channel, log);
  // PostgreSQL: this process is one of any number of cooperating workers (src/send/workers). The
  // waves of a scheduled send keep the one-sender path, under the lock their caller holds.
  if (location.kind === 'postgres' && !options.dryRun && !options.partOfRun)
    return sendAsWorker({
      project,
      subscribers: project.subscribers ?? [],
      env,
      databaseUrl: location.url,
      channel,
      segments,
      onlyEmails: options.onlyEmails,
      resend: Boolean(options.resend),
      retryFailed: Boolean(options.retryFailed),
      ratePerSecond: options.ratePerSecond,
      concurrency,
      compile,
      openTransport: () => createTransport(project, env, options, log),
      warn: (plan, isSuppressed, readers) =>
        warnAudience(project, readers ? SubscriberTable.from(readers) : subscribers, plan, {
          segments,
          options,
          isSuppressed,
          log,
        }),
      signal: options.signal,
      log,
      now,
      started,
      leaseMs: env.workerLeaseMs,
      batchSize: env.workerBatch,
      breakLock: options.breakLock,
      sideFileBase: postgresSideFileBase(localDir),
      lateSuppressionCheckMs: options.lateSuppressionCheckMs,
      beforeSending: noteFile,
    });
  if (!options.partOfRun && location.kind === 'sqlite')
    warnIfStateLost(location.file, outboxFolders(project, options), issue.id, log);

  if (options.dryRun) {
    // The real run's transport, checked and named: a typo in SMTP_URL shows now, not at send time.
    log(`dry run: nothing is sent; a real run would ${describeTransport(project, env, options)}`);
    // The real run reads and checks the DKIM key before it sends; a missing or unusable key shows now.
    await readDkim(env);
    // Reads the state when there is one, to show what a real run would skip; writes nothing.
    const store = await openStateToRehearse(location, { localDir });
    try {
      const ledger = store?.ledger(issue.id, channel);
      const resumed = ledger
        ? (await resendGeneration(ledger, Boolean(options.resend), now(), options.resendSince)).resumed
        : undefined;
      const suppressions = store ? await store.suppressions.index() : undefined;
      const isSuppressed = suppressions?.isSuppressed ?? (() => false);
      const plan = planDelivery(project, subscribers, {
        segments,
        onlyEmails: options.onlyEmails,
        isSuppressed,
        suppressionReason: suppressions?.reason ?? (() => undefined),
        recorded: withUnrecorded(
          ledger ? await ledger.recorded() : new Map(),
          unrecordedBase(location, localDir),
          issue.id,
          channel,
        ),
        resend: Boolean(options.resend),
        alreadyResent: resumed && ledger ? await ledger.sentSince(resumed) : undefined,
        retryFailed: Boolean(options.retryFailed),
        mode: 'dry-run',
        destination: undefined,
        countOnly: true,
      });
      warnAudience(project, subscribers, plan, { segments, options, isSuppressed, log });
      // The real run's gates (size, links, the templates), once per variant, never per reader: a dry
      // run that passes is a send that is not refused for what it renders.
      await renderChecked(
        compile,
        withSubscribers(project, subscribers.localeSamples()),
        plan.audience.variants,
        log,
        env.secret,
        true,
      );
      return plan.report.finish({ interrupted: false, elapsedMs: performance.now() - started });
    } finally {
      await store?.close();
    }
  }

  const store = await openState(location, { growthLimitPages: env.stateGrowthLimitPages, localDir });
  let transport: MailTransport | undefined;
  let lock: StateLock | undefined;
  // Set once a failed write stopped the run (the report's reason for stopping).
  let halted: Halted | undefined;
  let late: LateSuppressions | undefined;
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
    }
    // Before planning: unsubscribes `serve` could only journal, and what an earlier run sent but
    // could not record (which counts as sent).
    const pending = await state(() => store.applyPending(now));
    if (pending.unrecorded > 0)
      log(
        `recorded ${pending.unrecorded} message(s) an earlier run sent but could not record (${pending.unrecordedFile})`,
      );
    // A resend's rows are stamped no earlier than its start: resumed, it counts as reached the rows
    // stamped since then, and a clock stepped back (NTP) must not make a reached reader look owed.
    let stampFloor: number | undefined;
    const stamp = () => {
      const at = now();
      return stampFloor !== undefined && at.getTime() < stampFloor ? new Date(stampFloor) : at;
    };
    const ledger = store.ledger(issue.id, channel, stamp);
    transport = early ? await early.transport : await createTransport(project, env, options, log);
    const {
      since: resendSince,
      resumed,
      leftOpen,
    } = await state(() => resendGeneration(ledger, Boolean(options.resend), now(), options.resendSince));
    if (resendSince !== undefined) stampFloor = Date.parse(resendSince);
    if (resumed && !options.partOfRun) log(resumingResendLine(resumed));
    if (leftOpen && !options.partOfRun) log(openResendNote(leftOpen));
    const cursor = await state(() => suppressionCursor(store.suppressions));
    const suppressions = await state(() => store.suppressions.index());
    const isSuppressed = suppressions.isSuppressed;
    const plan = planDelivery(project, subscribers, {
      segments,
      onlyEmails: options.onlyEmails,
      isSuppressed,
      suppressionReason: suppressions.reason,
      recorded: await state(() => ledger.recorded()),
      resend: Boolean(options.resend),
      alreadyResent: resumed ? await state(() => ledger.sentSince(resumed)) : undefined,
      retryFailed: Boolean(options.retryFailed),
      mode: transport.kind,
      destination: transport.destination,
      compact: true,
    });
    warnAudience(project, subscribers, plan, { segments, options, isSuppressed, log });
    // Awaited only once the plan stands; with --strict started only then, so a refused plan opens
    // no connection. Otherwise its first connection opened while the issue loaded (connectEarly).
    // No more connections opened ahead than there are messages to send.
    const connectionChecked = startConnectionCheck(transport, plan.sending.length, early?.opening);
    // The render needs the readers' languages only: one reader per locale, not the list.
    const readersByLocale = withSubscribers(project, subscribers.localeSamples());
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
    const compiled = await renderChecked(compile, readersByLocale, plan.audience.variants, log, env.secret);
    // Who got what, for `rolecast report`: the ledger holds only a variant id per reader.
    await state(() => store.recordLayout(issue.id, issueLayout(plan.audience.variants, issue.summaries), now()));
    // Connection and credentials are checked before the first message, so a typo sends nothing.
    await connectionChecked();
    // Messages left to build per variant: after its last, its encoded body is let go.
    const toBuild = countByVariant(plan.sending);
    // Only the variants this run sends: the editor edition is compiled every time, sent to few.
    refuseOversize(transport.maxMessageSize?.(), compiled, toBuild);
    await noteFile();
    // The whole plan, already-sent readers included: status counts pending as planned − sent − failed − deferred.
    if (!options.partOfRun) await state(() => ledger.startRun(plan.audienceSize, resendSince));

    // One Message-ID per resend generation: a resumed resend repeats it, so a provider can drop a copy.
    const salt = resendSince ? `resend:${resendSince}` : '';
    const roleOf = new Map<string, readonly string[]>();
    /**
     * Counts one of the variant's messages off, built or skipped: after its last the variant is let
     * go, so the send holds only those still to come.
     */
    const countOff = (variantId: string): void => {
      const remaining = (toBuild.get(variantId) ?? 1) - 1;
      toBuild.set(variantId, remaining);
      if (remaining === 0) compiled.delete(variantId);
    };
    late = watchSuppressions(store.suppressions, cursor, { everyMs: options.lateSuppressionCheckMs, log });
    const watched = late;
    const jobs = function* (): Generator<SendJob> {
      for (const { subscriber, variantId } of plan.sending) {
        const suppressed = watched.reason(subscriber.email);
        if (suppressed !== undefined) {
          // Suppressed since the plan: counted as the plan counts suppressed readers, and never sent.
          const roles = segmentRoles(subscriber, segments);
          plan.report.plan(roles, variantId, -1);
          plan.report.skip(roles, variantId, suppressedKind(suppressed || undefined));
          countOff(variantId);
          continue;
        }
        const messageId = messageIdFor(config, issue.id, subscriber.email, salt);
        roleOf.set(subscriber.email, segmentRoles(subscriber, segments));
        yield {
          email: subscriber.email,
          variantId,
          messageId,
          suppressedSince: () => watched.reason(subscriber.email),
          build: () => {
            const mail = buildFor(project, env, compiled, subscriber, variantId, messageId, now(), {
              lastOfVariant: (toBuild.get(variantId) ?? 1) === 1,
            });
            countOff(variantId);
            return mail;
          },
        };
      }
    };
    const progress = options.progress && createProgress({ ...options.progress, planned: plan.sending.length });
    const { stopped, aborted, ...run } = await runDeliveries(jobs(), {
      transport,
      ledger,
      limiter: createRateLimiter(transport.kind === 'smtp' ? (options.ratePerSecond ?? config.send.ratePerSecond) : 0, {
        onChange: (change) => log(describePace(change)),
      }),
      concurrency,
      retries: config.send.retries,
      retryBaseMs: config.send.retryBaseMs,
      signal: options.signal,
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
        plan.report.outcome(roles, job.variantId, outcome.status);
        if (outcome.status !== 'sent') {
          plan.report.failure({
            email: job.email,
            variantId: job.variantId,
            status: outcome.status,
            responseCode: outcome.failure.responseCode ?? null,
            response: outcome.failure.response,
            attempts: outcome.attempts,
          });
        }
        progress?.update(plan.report.total);
      },
    });
    progress?.done();
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
    const report = plan.report.finish({ interrupted, stopped, aborted, halted, elapsedMs });
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

/**
 * Warns about content that would silently drop out (summaries nobody gets, readers who get nothing),
 * judged on the whole list (not a segment or one wave, where it is expected): once per command, so
 * not for a wave (`onlyEmails`), whose caller warns for the plan. With `strict`, any warning — these
 * or the load warnings — stops the send before anything goes out.
 */
function warnAudience(
  project: Project,
  readers: SubscriberTable,
  plan: DeliveryPlan,
  context: {
    segments: readonly string[];
    options: SendOptions;
    isSuppressed: (email: string) => boolean;
    log: (line: string) => void;
  },
): void {
  const { segments, options, isSuppressed, log } = context;
  if (options.partOfRun || options.onlyEmails) return;
  const audience = segments.length
    ? planRecipients(project, readers, { segments: [], isSuppressed }, COUNT_ONLY)
    : plan.audience;
  const found = audienceWarnings(project, audience, { cwd: options.cwd, subscribersFile: options.subscribersFile });
  logProblems(found, log, options.onWarning);
  if (options.strict) refuseWarnings([...project.problems, ...found]);
}

function logProblems(
  problems: readonly Problem[],
  log: (line: string) => void,
  onWarning: ((problem: Problem) => void) | undefined,
): void {
  for (const problem of problems) {
    log(formatProblem(problem));
    if (problem.severity === 'warning') onWarning?.(problem);
  }
}

/** `--strict`: a warning is as good as an error, and nothing is sent. */
export function refuseWarnings(problems: readonly Problem[]): void {
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  if (warnings === 0) return;
  throw new RolecastError('E_INVALID', `--strict: ${warnings} warning(s) found; nothing was sent`, {
    hint: 'fix the warnings listed above, or run without --strict',
  });
}

async function createTransport(
  project: Project,
  env: Environment,
  options: SendOptions,
  log: (line: string) => void,
): Promise<MailTransport> {
  if (env.smtpUrl && !options.outbox) return smtpTransport(project.config, env, options);
  const dkim = await readDkim(env);
  const folder = outboxFolder(project.config, project.issue.id, options.cwd, options.outbox);
  if (!options.outbox) log(`SMTP_URL is not set: writing messages as .eml files to ${folder} (set SMTP_URL to send)`);
  return createOutboxTransport(folder, { dkim });
}

async function smtpTransport(config: ResolvedConfig, env: Environment, options: SendOptions): Promise<MailTransport> {
  return createSmtpTransport({
    url: env.smtpUrl!,
    concurrency: options.concurrency ?? config.send.concurrency,
    dkim: await readDkim(env),
    log: options.log,
    // Config first, then what the caller (tests, embedding code) overrides.
    timeouts: {
      connectionMs: config.send.connectionTimeoutMs,
      greetingMs: config.send.greetingTimeoutMs,
      socketMs: config.send.socketTimeoutMs,
      finalReplyMs: config.send.finalReplyTimeoutMs,
      ...options.smtpTimeouts,
    },
  });
}

/** Where a stopped run lists its unrecorded messages: the SQLite file, or a base in the state folder. */
function unrecordedBase(location: StateLocation, localDir: string): string {
  return location.kind === 'sqlite' ? location.file : postgresSideFileBase(localDir);
}

/** Accepted-but-unrecorded messages of an earlier run count as sent: the real run records them first. */
function withUnrecorded(
  recorded: Map<string, DeliveryStatus>,
  base: string,
  issueId: string,
  channel: Channel,
): Map<string, DeliveryStatus> {
  for (const entry of readUnrecorded(base))
    if (entry.issueId === issueId && entry.channel === channel) recorded.set(canonicalAddress(entry.email), 'sent');
  return recorded;
}

/** What a real run would deliver through, with the password masked; throws on an invalid SMTP_URL. */
function describeTransport(project: Project, env: Environment, options: SendOptions): string {
  if (env.smtpUrl && !options.outbox) {
    const parsed = parseSmtpUrl(env.smtpUrl);
    const tls = parsed.secure ? 'TLS' : 'STARTTLS when offered';
    const user = shownUser(env.smtpUrl, parsed);
    return `send over SMTP to ${parsed.host}:${parsed.port} (${tls}${user === undefined ? '' : `, as ${user}`})`;
  }
  const folder = outboxFolder(project.config, project.issue.id, options.cwd, options.outbox);
  return `write .eml files to ${displayPath(folder, options.cwd)}${env.smtpUrl ? '' : ' (SMTP_URL is not set)'}`;
}

/**
 * Gmail and Yahoo require one-click unsubscribe from bulk senders: real sends with an unsubscribe
 * URL configured but no signing key would silently offer only the mailto, so they are refused.
 */
function checkUnsubscribeSetup(
  config: ResolvedConfig,
  env: Environment,
  channel: Channel,
  log: (line: string) => void,
): void {
  assertStrongSecret(env.secret);
  if (!config.urls.unsubscribe && channel === 'smtp') {
    // A mailto alone is no one-click unsubscribe (RFC 8058), which Gmail and Yahoo ask of every
    // bulk sender: a list's mail can go to spam or be refused for it.
    log(
      'warning: urls.unsubscribe is not set: messages carry only a mailto unsubscribe, without the one-click unsubscribe (RFC 8058) Gmail and Yahoo ask of bulk senders; set urls.unsubscribe to the address of `rolecast serve`',
    );
    return;
  }
  if (!config.urls.unsubscribe || env.secret) return;
  const message =
    'urls.unsubscribe is set but ROLECAST_SECRET is not: messages would carry no one-click unsubscribe link';
  if (channel === 'smtp') {
    throw new RolecastError('E_USAGE', message, {
      hint: 'set ROLECAST_SECRET (at least 32 random characters, the same value `rolecast serve` uses); nothing was sent',
    });
  }
  log(`warning: ${message} (allowed for the outbox; a real send would stop here)`);
}

/** VERP tokens are signed: a bounce domain without the key would quietly send without them. */
function checkBounceSetup(
  config: ResolvedConfig,
  env: Environment,
  channel: Channel,
  log: (line: string) => void,
): void {
  const problem = verpSetupProblem(config, env.secret);
  if (!problem) return;
  if (channel === 'smtp')
    throw new RolecastError('E_USAGE', problem, {
      hint: 'set ROLECAST_SECRET (the same value `rolecast serve` and `rolecast bounces import` use), or remove bounces.domain; nothing was sent',
    });
  log(`warning: ${problem} (allowed for the outbox; a real send would stop here)`);
}

/** Where this send writes `.eml` files (`--outbox`, else outbox/<issue id> beside the config), then the default. */
export function outboxFolders(project: Project, options: Pick<SendOptions, 'cwd' | 'outbox'>): string[] {
  const standard = outboxFolder(project.config, project.issue.id, options.cwd);
  return options.outbox
    ? [outboxFolder(project.config, project.issue.id, options.cwd, options.outbox), standard]
    : [standard];
}

/**
 * Refuses the run before its first message when even a variant's parts, before any encoding, are
 * larger than the SMTP server's SIZE: every message of that variant would be refused, one by one.
 */
function refuseOversize(
  limit: number | undefined,
  compiled: ReadonlyMap<string, CompiledVariant>,
  sending: ReadonlyMap<string, number>,
): void {
  if (!limit) return;
  let largest: { id: string; bytes: number } | undefined;
  for (const id of sending.keys()) {
    const variant = compiled.get(id);
    if (!variant) continue;
    const bytes = variant.htmlBytes + variant.textBytes;
    if (bytes > limit && (!largest || bytes > largest.bytes)) largest = { id, bytes };
  }
  if (!largest) return;
  throw new RolecastError(
    'E_SIZE',
    `the SMTP server takes messages of at most ${limit} bytes (SIZE), and variant "${largest.id}" is ${largest.bytes} bytes before encoding; nothing was sent`,
    {
      hint: 'shorten the issue (cards.style "compact", fewer summaries), or send through a server that takes larger messages',
    },
  );
}

/** Refuses a send while the issue holds a summary marked `status: draft` (the loader warns where). */
export function refuseDrafts(project: Project): void {
  const drafts = project.issue.summaries.filter((summary) => summary.status === 'draft').map((s) => s.id);
  if (drafts.length === 0) return;
  throw new RolecastError(
    'E_INVALID',
    `the issue holds ${drafts.length} draft summary(ies): ${drafts.join(', ')}; nothing was sent`,
    {
      hint: 'set "status: ready" in each when it is done, or take it out of the issue; a dry run or a test send shows drafts',
    },
  );
}
