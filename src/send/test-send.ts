import { canonicalAddress } from '../address.js';
import type { Environment } from '../config/env.js';
import { RolecastError } from '../errors.js';
import { EDITOR_VARIANT_ID, planAudience, type Variant } from '../group/index.js';
import type { Project } from '../load/project.js';
import { email as emailSchema } from '../model/_fields.js';
import type { Subscriber } from '../model/subscriber.js';
import { stateLocation } from '../state/location.js';
import { openExistingState } from '../state/open.js';
import { personalLinks } from '../unsubscribe/links.js';
import { buildMailOptions, messageIdFor, randomSalt } from './message.js';
import { createReport, type SendReport } from './report.js';
import { classifyFailure } from './retry.js';
import type { Compile } from './send-issue.js';
import { singleMessageTransport } from './single-transport.js';
import { type MailTransport, readDkim } from './transport.js';

export interface TestSendInput {
  project: Project;
  /** Where the suppression list lives (`--state`): a test is never sent to a suppressed address. */
  state: { cwd: string; stateFile?: string | undefined };
  subscribers: readonly Subscriber[];
  env: Environment;
  transport: MailTransport;
  compile: Compile;
  /** `as`: a subscriber's address, rendered as they get it; `variant`: one variant, as the sample reader. */
  test: { to: string; as?: string | undefined; variant?: Variant | undefined };
  now: () => Date;
  started: number;
}

/**
 * One message to a tester's address, showing what a subscriber gets (their variant, their name).
 * Links and the recipient are the tester's own: the subscriber's address never leaves the list,
 * and a click on the test message's unsubscribe link cannot unsubscribe them. No ledger, no lock.
 */
export async function sendTestMessage(input: TestSendInput): Promise<SendReport> {
  const { project, transport, test } = input;
  const to = emailSchema.safeParse(test.to);
  if (!to.success) throw new RolecastError('E_USAGE', `--test "${test.to}" is not a valid email address`);
  await refuseSuppressed(project, input.env, input.state, to.data);
  const subscriber = test.as === undefined ? undefined : findSubscriber(input.subscribers, test.as);
  const variant = subscriber ? variantFor(project, input.subscribers, subscriber) : test.variant;
  // Untracked links, as a test message has; the MJML cache still trusts only what the secret sealed.
  const compiled = await input.compile(project, variant ? [variant] : [], { cacheSecret: input.env.secret });
  const variantId = variant?.id ?? EDITOR_VARIANT_ID;
  const chosen = compiled.get(variantId);
  if (!chosen) throw new Error(`variant ${variantId} was not compiled`);
  const address = to.data;
  const links = personalLinks(project.config, input.env.secret, project.issue.id, address);
  const content = chosen.personalise({
    email: address,
    name: subscriber?.name,
    firstName: subscriber?.firstName,
    locale: subscriber?.locale,
    timezone: subscriber?.timezone,
    unsubscribeUrl: links.unsubscribeUrl,
    preferencesUrl: links.preferencesUrl,
    viewOnlineUrl: links.viewOnlineUrl,
  });
  const who = variant ? `as ${variantId}` : 'editor edition';
  const mail = buildMailOptions(project.config, {
    to: { address },
    content: { ...content, subject: `[test ${who}] ${content.subject}` },
    links,
    messageId: messageIdFor(project.config, project.issue.id, address, randomSalt()),
    date: input.now(),
  });
  const report = createReport(project.issue.id, 'test', transport.destination);
  report.variant(variantId, chosen.variant.roles, chosen.variant.summaryIds.length);
  report.plan([], variantId);
  try {
    await transport.verify();
    try {
      await transport.send(mail);
      report.outcome([], variantId, 'sent');
    } catch (error) {
      const failure = classifyFailure(error);
      report.outcome([], variantId, 'failed');
      report.failure({
        email: address,
        variantId,
        status: 'failed',
        responseCode: failure.responseCode ?? null,
        response: failure.response,
        attempts: 1,
      });
    }
  } finally {
    await transport.close();
  }
  return report.finish({ interrupted: false, elapsedMs: performance.now() - input.started });
}

/**
 * Where a test goes when no `--outbox` is given: SMTP with `SMTP_URL`, else the issue's outbox
 * folder beside the config, as `send` chooses. Used by the preview's "send me a test". `log` hears
 * the transport's warnings, as `send --test` prints them (a server that offers no login).
 */
export async function testTransport(
  project: Project,
  env: Environment,
  cwd: string,
  log?: (line: string) => void,
): Promise<MailTransport> {
  const dkim = await readDkim(env);
  return singleMessageTransport(project.config, env.smtpUrl, dkim, project.issue.id, cwd, log);
}

/** Unsubscribed, bounced, complained or erased addresses get no mail at all, tests included. */
async function refuseSuppressed(
  project: Project,
  env: Environment,
  where: TestSendInput['state'],
  address: string,
): Promise<void> {
  // Where the project was read from (the preview's `--state` too), else as `send` finds it.
  const location = project.state ?? stateLocation(project.config, env, where.cwd, where.stateFile);
  const state = await openExistingState(location, { localDir: project.config.stateDirAbs });
  if (!state) return;
  try {
    // An unsubscribe `serve` could only journal (the state file was busy) suppresses it all the same.
    const journaled = state.suppressions.instant?.journaled(address) !== undefined;
    if (journaled || (await state.suppressions.isSuppressed(address)))
      throw new RolecastError(
        'E_USAGE',
        `${address} is on the suppression list: no message is sent to it, tests included`,
        {
          hint: 'send the test to an address of your own that is not suppressed; nothing was sent',
        },
      );
  } finally {
    await state.close();
  }
}

function findSubscriber(subscribers: readonly Subscriber[], address: string): Subscriber {
  const key = canonicalAddress(address);
  const found = subscribers.find((s) => canonicalAddress(s.email) === key);
  if (!found) {
    throw new RolecastError('E_USAGE', `--as ${address} is not in the subscribers file`, {
      hint: 'give the address of a subscriber listed in --subscribers',
    });
  }
  return found;
}

function variantFor(project: Project, subscribers: readonly Subscriber[], subscriber: Subscriber): Variant {
  const { issue } = project;
  // Status is ignored here: a test may show what an unsubscribed reader would have received. Planned
  // with the list, so the role set counts its readers as a send does: its click links name it
  // (`?v=`) or not as theirs do, which sets their length and so which stories fit in full.
  const key = canonicalAddress(subscriber.email);
  const others = subscribers.filter((s) => canonicalAddress(s.email) !== key);
  const plan = planAudience(issue.summaries, issue.manifest.roleOrder ?? [], [
    ...others,
    { ...subscriber, status: 'active' },
  ]);
  const variantId = plan.recipients.find((r) => canonicalAddress(r.subscriber.email) === key)?.variantId;
  const variant = plan.variants.find((v) => v.id === variantId);
  if (!variant) {
    throw new RolecastError('E_USAGE', `${subscriber.email} holds no role with content in ${issue.id}`, {
      hint: 'pick a subscriber whose roles match at least one summary, or leave out --as for the editor edition',
    });
  }
  return variant;
}
