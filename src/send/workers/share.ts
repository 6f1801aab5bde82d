import { createHash, createHmac } from 'node:crypto';
import { canonicalAddress } from '../../address.js';
import { verifyClickToken, verifyClickVariant } from '../../analytics/token.js';
import { escapeRegExp } from '../../escape.js';
import type { AudiencePlan } from '../../group/index.js';
import type { Project } from '../../load/project.js';
import type { Subscriber } from '../../model/subscriber.js';
import type { CompiledVariant } from '../../render/types.js';
import { planRecipients, segmentRoles, suppressedKind } from '../plan.js';
import { createReport, type ReportBuilder, type SendMode } from '../report.js';

/**
 * What makes two workers' plans the same: the readers of the chosen segments and addresses with
 * their variant and what their message says to them (name, first name, zone, language), and
 * whether it is a resend. Suppressions are left out on purpose: a reader who unsubscribes during a
 * long send must not turn a worker started later into "another plan" (the queue skips suppressed
 * readers when they are claimed). The details matter as the roles do: a host with an older copy of
 * the list would greet its share of the readers by names corrected since.
 */
export function planFingerprint(
  project: Project,
  subscribers: readonly Subscriber[],
  filter: { segments: readonly string[]; onlyEmails?: ReadonlySet<string> | undefined; resend: boolean },
): { fingerprint: string; audience: AudiencePlan } {
  const audience = planRecipients(project, subscribers, { ...filter, isSuppressed: () => false });
  const lines = audience.recipients
    .map((r) => `${canonicalAddress(r.subscriber.email)}\t${r.variantId}\t${readerDetails(r.subscriber)}`)
    .sort();
  const hash = createHash('sha256').update(filter.resend ? 'resend\n' : 'send\n');
  for (const line of lines) hash.update(`${line}\n`);
  return { fingerprint: hash.digest('hex'), audience };
}

/** What a reader's message says to them besides their roles, as one line of a plan's fingerprint. */
function readerDetails(subscriber: Subscriber): string {
  const { name, firstName, timezone, locale } = subscriber;
  return JSON.stringify([name ?? null, firstName ?? null, timezone ?? null, locale ?? null]);
}

/**
 * The plan's fingerprint with what its messages say: every variant filled for one made-up reader
 * (subject, HTML, text). Workers started from different copies of the issue (a host with last
 * week's checkout, an edited subject, other templates or sender) agreed on the audience alone, so
 * each sent its own version and a list got two different issues.
 */
export function withContent(
  fingerprint: string,
  compiled: ReadonlyMap<string, CompiledVariant>,
  /** With click tracking: its links are read as what they name, so the key (see `keyCheck`) is left out. */
  tracking?: { base: string; secret: string; issueId: string } | undefined,
): string {
  const hash = createHash('sha256').update(`${fingerprint}\n`);
  const plain = tracking ? trackedLinksRead(tracking) : (text: string) => text;
  for (const id of [...compiled.keys()].sort()) {
    const message = compiled.get(id)!.personalise(SAMPLE_READER);
    for (const part of [id, message.subject, plain(message.html), plain(message.text)])
      hash.update(`${part.length}:${part}\n`);
  }
  return hash.digest('hex');
}

/**
 * What a worker that takes a plan's kept readers (see plan-readers.ts) must agree on with the plan,
 * when an erasure since it was written left its audience short of a reader (and perhaps of that
 * reader's variant): the options that choose from the list, and the content of each variant.
 */
export function keptReadersCheck(
  filter: { segments: readonly string[]; onlyEmails?: ReadonlySet<string> | undefined; resend: boolean },
  compiled: ReadonlyMap<string, CompiledVariant>,
  tracking?: { base: string; secret: string; issueId: string } | undefined,
): string {
  const chosen = [
    filter.resend,
    filter.segments.map((segment) => segment.toLowerCase()).sort(),
    filter.onlyEmails ? [...filter.onlyEmails].map((email) => canonicalAddress(email)).sort() : null,
  ];
  const variants: Record<string, string> = {};
  for (const [id, variant] of compiled) variants[id] = withContent('', new Map([[id, variant]]), tracking);
  return JSON.stringify({ chosen: createHash('sha256').update(JSON.stringify(chosen)).digest('hex'), variants });
}

/** Whether a worker's check agrees with the plan's: the same options, and each of its variants as the plan has it. */
export function keptChecksAgree(stored: string, own: string): boolean {
  try {
    const plan = JSON.parse(stored) as { chosen: string; variants: Record<string, string> };
    const mine = JSON.parse(own) as typeof plan;
    return (
      plan.chosen === mine.chosen && Object.entries(mine.variants).every(([id, hash]) => plan.variants[id] === hash)
    );
  } catch {
    return false;
  }
}

/**
 * Tracked links written as what they are signed to say (issue, summary, role, kind, target and
 * role set): their signatures change with ROLECAST_SECRET, which `keyCheck` compares on its own.
 */
function trackedLinksRead(tracking: { base: string; secret: string; issueId: string }): (text: string) => string {
  const link = new RegExp(`${escapeRegExp(tracking.base)}([^"'\\s<>?]+)(\\?[^"'\\s<>]*)?`, 'g');
  return (text) =>
    text.replace(link, (whole, token: string, query: string | undefined) => {
      const claims = verifyClickToken(token, tracking.secret);
      if (!claims) return whole;
      const v = new URLSearchParams((query ?? '').replace(/&amp;/g, '&').slice(1)).get('v');
      const variant = v ? verifyClickVariant(v, tracking.issueId, tracking.secret) : undefined;
      return `${tracking.base}${JSON.stringify([claims, variant ?? null])}`;
    });
}

const SAMPLE_READER = {
  email: 'reader@example.invalid',
  name: 'Sample Reader',
  unsubscribeUrl: 'https://example.invalid/unsubscribe',
  preferencesUrl: 'https://example.invalid/preferences',
  viewOnlineUrl: 'https://example.invalid/view',
  sentAt: new Date(0),
};

/**
 * What tells two workers' signing secrets apart without revealing them: an HMAC of a fixed label
 * under ROLECAST_SECRET ('' without one). Stored with the plan, compared by every worker that joins.
 */
export function keyCheck(secret: string | undefined): string {
  if (!secret) return '';
  return createHmac('sha256', secret).update('rolecast send plan key check').digest('base64url').slice(0, 22);
}

/**
 * One worker's report: the readers every worker sets aside the same way (unsubscribed, suppressed,
 * no content), and then only the items this worker claimed. Readers other workers sent are theirs.
 */
export function workerReport(
  project: Project,
  audience: AudiencePlan,
  options: {
    /** Every variant a claimed item may have (the unsuppressed audience's). */
    variants: AudiencePlan['variants'];
    segments: readonly string[];
    mode: SendMode;
    destination: string | undefined;
    suppressionReason: (email: string) => string | undefined;
    /** The ledger when this worker started: readers already sent (or refused) count as skipped, as on one host. */
    recorded: ReadonlyMap<string, string>;
    resend: boolean;
    retryFailed: boolean;
  },
): ReportBuilder {
  const report = createReport(project.issue.id, options.mode, options.destination, project.readers);
  for (const variant of options.variants) report.variant(variant.id, variant.roles, variant.summaryIds.length);
  for (const { subscriber, reason } of audience.skipped) {
    const kind =
      reason === 'no-content'
        ? 'noContent'
        : reason === 'suppressed'
          ? suppressedKind(options.suppressionReason(subscriber.email))
          : reason;
    report.skip(segmentRoles(subscriber, options.segments), undefined, kind);
  }
  if (options.resend) return report;
  for (const { subscriber, variantId } of audience.recipients) {
    const status = options.recorded.get(canonicalAddress(subscriber.email));
    const roles = segmentRoles(subscriber, options.segments);
    if (status === 'sent') report.skip(roles, variantId, 'alreadySent');
    else if (status === 'failed' && !options.retryFailed) report.skip(roles, variantId, 'previouslyFailed');
  }
  return report;
}
