import { canonicalAddress } from '../address.js';
import { type Project, withSubscribers } from '../load/project.js';
import type { SubscriberTable } from '../model/subscriber-table.js';
import type { StateLocation } from '../state/location.js';
import { openStateToRehearse, postgresSideFileBase } from '../state/open.js';
import type { Channel } from './channel.js';
import { decideClickTags } from './click-tags.js';
import { renderChecked, renderReaders } from './compose.js';
import { coversPartOfList, type DeliveryStatus, resendGeneration } from './ledger.js';
import { maybeDeliveredNote } from './maybe-delivered.js';
import { planDelivery } from './plan.js';
import type { SendReport } from './report.js';
import { warnAudience } from './send-checks.js';
import type { ResolvedSend } from './send-options.js';
import { describeTransport } from './send-transport.js';
import { readUnrecorded } from './state-loss.js';
import { readDkim } from './transport.js';

/**
 * `send --dry-run`: the real run's checks and plan, read from the state without writing to it,
 * and nothing sent.
 */
export async function rehearseSend(
  project: Project,
  subscribers: SubscriberTable,
  context: ResolvedSend,
): Promise<SendReport> {
  const { options, env, location, localDir, channel, segments, compile, log, started, now } = context;
  const { issue } = project;
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
    // Readers an earlier run may have reached already: named if this plan sends to them again.
    const maybeDelivered = ledger ? await ledger.maybeDelivered() : [];
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
      // The readers kept too (two numbers each) only when some must be looked for among them.
      compact: maybeDelivered.length > 0,
    });
    warnAudience(project, subscribers, plan, { segments, options, isSuppressed, channel, log });
    const sentAgain = maybeDeliveredNote(maybeDelivered, plan.sending, true);
    if (sentAgain) log(sentAgain);
    // `?v=` on each role set's links as the real run will decide it: as the issue's earlier run did.
    decideClickTags(
      plan.audience.variants,
      store ? await store.clickTags(issue.id) : new Map(),
      project.config.tracking.minVariantReaders,
      {
        planned: plan.audience.variants,
        partOfList: coversPartOfList({ segments, onlyEmails: options.onlyEmails }),
        project,
        subscribers,
        isSuppressed,
      },
    );
    // The real run's gates (size, links, the templates), once per variant, never per reader: a dry
    // run that passes is a send that is not refused for what it renders.
    await renderChecked(
      compile,
      withSubscribers(project, renderReaders(subscribers)),
      plan.audience.variants,
      log,
      env.secret,
      true,
      { onWarning: options.onWarning, strict: options.strict },
    );
    return plan.report.finish({ interrupted: false, elapsedMs: performance.now() - started });
  } finally {
    await store?.close();
  }
}

/** Where a stopped run lists its unrecorded messages: the SQLite file, or a base in the state folder. */
export function unrecordedBase(location: StateLocation, localDir: string): string {
  return location.kind === 'sqlite' ? location.file : postgresSideFileBase(localDir);
}

/** Accepted-but-unrecorded messages of an earlier run count as sent: the real run records them first. */
export function withUnrecorded(
  recorded: Map<string, DeliveryStatus>,
  base: string,
  issueId: string,
  channel: Channel,
): Map<string, DeliveryStatus> {
  for (const entry of readUnrecorded(base))
    if (entry.issueId === issueId && entry.channel === channel) recorded.set(canonicalAddress(entry.email), 'sent');
  return recorded;
}
