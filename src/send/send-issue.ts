import { dirname, join, resolve } from 'node:path';
import { type Environment, readEnvironment } from '../config/env.js';
import { RolecastError, throwIfErrors } from '../errors.js';
import type { Variant } from '../group/index.js';
import { loadProject, type Project } from '../load/project.js';
import type { Subscriber } from '../model/subscriber.js';
import type { CompiledVariant } from '../render/types.js';
import { personalLinks } from '../unsubscribe/links.js';
import { type Channel, openLedger } from './ledger.js';
import { acquireSendLock } from './lock.js';
import { buildMailOptions, messageIdFor, randomSalt } from './message.js';
import { normaliseSegments, planDelivery } from './plan.js';
import { createProgress } from './progress.js';
import { createRateLimiter } from './rate-limit.js';
import type { SendReport } from './report.js';
import { runDeliveries, type SendJob } from './run.js';
import { openExistingStateDb, openStateDb, stateFilePath, suppressionChecker } from './store.js';
import { sendTestMessage } from './test-send.js';
import { createOutboxTransport, createSmtpTransport, type MailTransport, readDkim } from './transport.js';

export type Compile = (project: Project, variants: Variant[]) => Promise<Map<string, CompiledVariant>>;

export interface SendOptions {
  issueDir: string;
  subscribersFile: string;
  configFile?: string | undefined;
  cwd: string;
  /** The process environment (SMTP_URL, ROLECAST_SECRET, DKIM); read only through readEnvironment. */
  env: NodeJS.ProcessEnv;
  segments?: string[] | undefined;
  /** Only these addresses, compared case-insensitively: one wave of a scheduled send. */
  onlyEmails?: ReadonlySet<string> | undefined;
  /**
   * This send is one part of a larger run whose caller keeps the ledger's run record (a scheduled
   * send: one record for all its waves), so it neither starts nor finishes one itself.
   */
  partOfRun?: boolean | undefined;
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
  now?: (() => Date) | undefined;
  progress?: { stream: NodeJS.WritableStream; isTTY: boolean } | undefined;
  /** Notices for the person running the command (where messages go, render warnings). */
  log?: ((line: string) => void) | undefined;
  /** The render stage; replaceable in tests. */
  compile?: Compile | undefined;
}

/** Plans, renders and delivers an issue, resuming where an earlier run stopped. */
export async function sendIssue(options: SendOptions): Promise<SendReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const project = await loadProject({
    issueDir: options.issueDir,
    subscribersFile: options.subscribersFile,
    configFile: options.configFile,
    cwd: options.cwd,
  });
  const subscribers = project.subscribers;
  if (!subscribers)
    throw new RolecastError('E_USAGE', 'a subscribers file is required', { hint: 'pass --subscribers FILE' });
  const env = readEnvironment(options.env);
  const { config, issue } = project;
  const segments = normaliseSegments(project.taxonomy, options.segments ?? []);
  const compile = options.compile ?? defaultCompile;
  const concurrency = options.concurrency ?? config.send.concurrency;

  if (options.test) {
    const transport = await createTransport(project, env, options, concurrency, log);
    return sendTestMessage({ project, subscribers, env, transport, compile, test: options.test, now, started });
  }

  const stateFile = stateFilePath(config, options.cwd, options.stateFile);
  const channel: Channel = options.outbox || !env.smtpUrl ? 'outbox' : 'smtp';

  if (options.dryRun) {
    // Reads the state when there is one, to show what a real run would skip; writes nothing.
    const db = openExistingStateDb(stateFile);
    try {
      const plan = planDelivery(project, subscribers, {
        segments,
        onlyEmails: options.onlyEmails,
        isSuppressed: suppressionChecker(db),
        recorded: db ? openLedger(db, issue.id, channel).recorded() : new Map(),
        resend: Boolean(options.resend),
        retryFailed: Boolean(options.retryFailed),
        mode: 'dry-run',
        destination: undefined,
      });
      // No render: a dry run answers "who would get what" and stays light on 100k-subscriber lists.
      return plan.report.finish({ interrupted: false, elapsedMs: performance.now() - started });
    } finally {
      db?.close();
    }
  }

  const db = openStateDb(stateFile);
  let transport: MailTransport | undefined;
  let lock: ReturnType<typeof acquireSendLock> | undefined;
  try {
    lock = acquireSendLock(db, issue.id, now);
    const ledger = openLedger(db, issue.id, channel, now);
    transport = await createTransport(project, env, options, concurrency, log);
    const plan = planDelivery(project, subscribers, {
      segments,
      onlyEmails: options.onlyEmails,
      isSuppressed: suppressionChecker(db),
      recorded: ledger.recorded(),
      resend: Boolean(options.resend),
      retryFailed: Boolean(options.retryFailed),
      mode: transport.kind,
      destination: transport.destination,
    });
    const compiled = await renderChecked(compile, project, plan.audience.variants, log);
    // Connection and credentials are checked before the first message, so a typo sends nothing.
    await transport.verify();
    // The whole plan, already-sent readers included: status counts pending as planned − sent − failed.
    if (!options.partOfRun) ledger.startRun(plan.audience.recipients.length);

    const salt = options.resend ? randomSalt() : '';
    const roleOf = new Map<string, readonly string[]>();
    const jobs = function* (): Generator<SendJob> {
      for (const { subscriber, variantId } of plan.toSend) {
        const messageId = messageIdFor(config, issue.id, subscriber.email, salt);
        roleOf.set(subscriber.email, segmentRoles(subscriber, segments));
        yield {
          email: subscriber.email,
          variantId,
          messageId,
          build: () => buildFor(project, env, compiled, subscriber, variantId, messageId, now()),
        };
      }
    };
    const progress = options.progress && createProgress({ ...options.progress, planned: plan.toSend.length });
    const { stopped } = await runDeliveries(jobs(), {
      transport,
      ledger,
      limiter: createRateLimiter(transport.kind === 'smtp' ? (options.ratePerSecond ?? config.send.ratePerSecond) : 0),
      concurrency,
      retries: config.send.retries,
      retryBaseMs: config.send.retryBaseMs,
      signal: options.signal,
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
    const interrupted = Boolean(options.signal?.aborted);
    const report = plan.report.finish({ interrupted, stopped, elapsedMs: performance.now() - started });
    const failed = report.total.failed + report.total.deferred + report.total.pending > 0;
    if (!options.partOfRun) ledger.finishRun(interrupted ? 'interrupted' : failed ? 'failed' : 'complete');
    return report;
  } finally {
    await transport?.close();
    lock?.release();
    db.close();
  }
}

/** Loaded on first use: MJML is heavy, and a dry run never renders. */
const defaultCompile: Compile = async (project, variants) => {
  const { compileAudience } = await import('../render/index.js');
  return compileAudience(project, variants);
};

function segmentRoles(subscriber: Subscriber, segments: readonly string[]): readonly string[] {
  return segments.length ? subscriber.roles.filter((r) => segments.includes(r)) : subscriber.roles;
}

/** One subscriber's message: their variant, their links, their address and no other. */
export function buildFor(
  project: Project,
  env: Environment,
  compiled: ReadonlyMap<string, CompiledVariant>,
  subscriber: Subscriber,
  variantId: string,
  messageId: string,
  date: Date,
) {
  const variant = compiled.get(variantId);
  if (!variant) throw new Error(`variant ${variantId} was not compiled`);
  const links = personalLinks(project.config, env.secret, project.issue.id, subscriber.email);
  const content = variant.personalise({
    email: subscriber.email,
    name: subscriber.name,
    locale: subscriber.locale,
    timezone: subscriber.timezone,
    unsubscribeUrl: links.unsubscribeUrl,
    preferencesUrl: links.preferencesUrl,
    viewOnlineUrl: links.viewOnlineUrl,
  });
  return buildMailOptions(project.config, {
    to: { address: subscriber.email, name: subscriber.name },
    content,
    links,
    messageId,
    date,
  });
}

/** Renders every variant; stops on error-level gate problems, passes warnings on. */
export async function renderChecked(
  compile: Compile,
  project: Project,
  variants: Variant[],
  log: (line: string) => void,
): Promise<Map<string, CompiledVariant>> {
  const compiled = await compile(project, variants);
  const problems = [...compiled.values()].flatMap((c) => c.problems);
  throwIfErrors(problems, 'the rendered issue');
  for (const p of problems) log(`warning: ${p.file}${p.field ? ` ${p.field}` : ''}: ${p.message}`);
  return compiled;
}

async function createTransport(
  project: Project,
  env: Environment,
  options: SendOptions,
  concurrency: number,
  log: (line: string) => void,
): Promise<MailTransport> {
  const dkim = await readDkim(env);
  if (env.smtpUrl && !options.outbox) return createSmtpTransport({ url: env.smtpUrl, concurrency, dkim });
  const base = project.config.file ? dirname(project.config.file) : options.cwd;
  const folder = options.outbox ? resolve(options.cwd, options.outbox) : join(base, 'outbox', project.issue.id);
  if (!options.outbox) log(`SMTP_URL is not set: writing messages as .eml files to ${folder} (set SMTP_URL to send)`);
  return createOutboxTransport(folder, { dkim });
}
