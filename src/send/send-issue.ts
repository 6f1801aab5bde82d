import { assertStrongSecret, readEnvironment } from '../config/env.js';
import { formatProblem, RolecastError } from '../errors.js';
import { loadProject, type Project, subscriberTable } from '../load/project.js';
import { SubscriberTable } from '../model/subscriber-table.js';
import { recordSentStories, sentRecordNotUpdated } from '../pool/sent-record.js';
import { stateLocation } from '../state/location.js';
import { missingStateNote } from '../state/missing-note.js';
import { postgresSideFileBase } from '../state/open.js';
import { noteFileFieldsAt } from '../store/open-location.js';
import { deliveryChannel } from './channel.js';
import { defaultCompile } from './compose.js';
import { connectEarly, type EarlyConnection } from './connection-check.js';
import { rehearseSend } from './dry-run.js';
import type { OnceReadersHaveIt } from './first-accepted.js';
import { issueRoles, normaliseSegments } from './plan.js';
import type { SendReport } from './report.js';
import {
  checkBounceSetup,
  checkUnsubscribeSetup,
  logProblems,
  oneClickWarnings,
  outboxFolders,
  refuseDrafts,
  warnAudience,
} from './send-checks.js';
import type { SendOptions } from './send-options.js';
import { connectsEarly, createTransport, smtpTransport } from './send-transport.js';

export type { SendOptions } from './send-options.js';

import { sendFromOneHost } from './one-host-send.js';
import { warnIfStateLost } from './state-loss.js';
import { sendTestMessage } from './test-send.js';
import { sendAsWorker } from './workers/worker.js';

export { buildFor, type Compile } from './compose.js';
export { outboxFolders, refuseDrafts, refuseWarnings } from './send-checks.js';

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
    const stateNote = missingStateNote(
      project.state ?? stateLocation(config, env, options.cwd, options.stateFile),
      options.stateFile,
      'send --test checks no suppression list',
    );
    if (stateNote) log(formatProblem(stateNote));
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
  // What the issue sends from the pool, also what the editor added by hand, marked sent once readers
  // have it: a renamed copy, or one taken out of the issue afterwards, stays known.
  const markSent: OnceReadersHaveIt = {
    act: () => recordSentStories(issue, config.poolDir, log),
    failed: (error) => log(sentRecordNotUpdated(issue.dir, error)),
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
  // A wave or a part of a run is not judged by warnAudience, which warns of this once for the run.
  if (options.partOfRun || options.onlyEmails)
    logProblems(oneClickWarnings(config, channel, options.cwd), log, undefined);
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
          channel,
          log,
        }),
      renderWarnings: { onWarning: options.onWarning, strict: options.strict },
      signal: options.signal,
      log,
      now,
      started,
      leaseMs: env.workerLeaseMs,
      batchSize: env.workerBatch,
      breakLock: options.breakLock,
      sideFileBase: postgresSideFileBase(localDir),
      lateSuppressionCheckMs: options.lateSuppressionCheckMs,
      lookPatienceMs: options.lookPatienceMs,
      beforeSending: noteFile,
      onceReadersHaveIt: markSent,
    });
  if (!options.partOfRun && location.kind === 'sqlite')
    warnIfStateLost(location.file, outboxFolders(project, options), issue.id, log);

  const resolved = { options, env, location, localDir, channel, segments, compile, log, started, now };
  if (options.dryRun) return rehearseSend(project, subscribers, resolved);
  return sendFromOneHost(project, subscribers, { ...resolved, concurrency, early, noteFile, markSent });
}
