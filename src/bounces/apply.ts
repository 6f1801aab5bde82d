import { createResolver, type ResolveOptions, type Resolver } from './resolve.js';
import { sesEventId } from './ses-notification.js';
import type { BounceStore, Outcome, ReaderHistory } from './store.js';
import type { BounceEvent, BounceKind } from './types.js';

/**
 * Turns events into decisions: a hard bounce or a complaint suppresses the reader at once; a soft
 * bounce is counted, and suppresses once the reader has soft-bounced `softLimit` issues in a row.
 * Every decision is stored with its status code and diagnostic; an event id seen before changes
 * nothing (a report imported twice, a webhook delivered twice).
 */

export const DEFAULT_SOFT_LIMIT = 3;

export interface ApplyOptions extends ResolveOptions {
  softLimit: number;
  now: Date;
}

export type Decision =
  | {
      outcome: Outcome;
      eventId: string;
      email: string;
      issueId: string | null;
      kind: BounceKind;
      status: string | null;
      diagnostic: string;
      /** For soft bounces: issues bounced in a row, this one included. */
      inARow?: number | undefined;
    }
  | { outcome: 'duplicate'; eventId: string }
  | {
      outcome: 'unmatched';
      eventId: string;
      diagnostic: string;
      /** Why the report is not about this list's mail, when what it quotes says so. */
      skipped?: string | undefined;
      /** Why it names no reader (a redacted recipient, with VERP on a report quoting no token), when known. */
      reason?: string | undefined;
    };

/** Suppression reasons written for bounces; `send` counts readers suppressed with these as bounced/complained. */
export const SUPPRESSION_REASONS = { hard: 'bounce', soft: 'soft-bounce', complaint: 'complaint' } as const;

export async function applyEvents(
  store: BounceStore,
  events: Iterable<BounceEvent>,
  options: ApplyOptions,
  resolver: Resolver = createResolver(store, options),
): Promise<Decision[]> {
  return store.transaction(async () => {
    const decisions: Decision[] = [];
    for (const event of events) decisions.push(await applyOne(store, event, options, resolver));
    return decisions;
  });
}

async function applyOne(
  store: BounceStore,
  given: BounceEvent,
  options: ApplyOptions,
  resolve: Resolver,
): Promise<Decision> {
  const event = storable(given);
  for (const id of [event.eventId, event.legacyEventId, ...(event.olderEventIds ?? [])])
    if (id !== undefined && (await store.hasEvent(id))) return { outcome: 'duplicate', eventId: event.eventId };
  const resolved = await resolve(event);
  if (!resolved) return { outcome: 'unmatched', eventId: event.eventId, diagnostic: event.diagnostic };
  if ('unnamed' in resolved)
    return { outcome: 'unmatched', eventId: event.eventId, diagnostic: event.diagnostic, reason: resolved.unnamed };
  if ('skipped' in resolved)
    return { outcome: 'unmatched', eventId: event.eventId, diagnostic: event.diagnostic, skipped: resolved.skipped };
  // A redacted complaint SES forwarded is the event SES's notification names its reader in.
  const eventId = event.sesFeedbackId ? sesEventId(event.sesFeedbackId, resolved.email) : event.eventId;
  if (eventId !== event.eventId && (await store.hasEvent(eventId))) return { outcome: 'duplicate', eventId };
  const at = event.at.toISOString();
  let inARow: number | undefined;
  let suppress = event.kind !== 'soft';
  const history = await store.history(resolved.email);
  // A report naming no issue (Postmark's webhook names only the address) is about the last issue
  // delivered before it, as soft bounces are counted: recorded so, list health counts it too.
  const reader = { ...resolved, issueId: resolved.issueId ?? lastDeliveredBefore(history, at) };
  if (event.kind === 'soft') {
    inARow = softInARow(history, { issueId: reader.issueId, eventId: event.eventId, at });
    suppress = inARow >= options.softLimit;
  }
  let outcome: Outcome = 'counted';
  if (suppress) {
    const added = await store.suppress(reader.email, {
      reason: SUPPRESSION_REASONS[event.kind],
      source: event.source,
      at: suppressedAt(history, reader.issueId, event.at, options.now),
    });
    outcome = added ? 'suppressed' : 'already suppressed';
  } else if (await store.isSuppressed(reader.email)) outcome = 'already suppressed';
  const record = {
    eventId,
    issueId: reader.issueId,
    email: reader.email,
    kind: event.kind,
    status: event.status ?? null,
    diagnostic: event.diagnostic,
    source: event.source,
    outcome,
    occurredAt: at,
    recordedAt: options.now.toISOString(),
  };
  await store.insertEvent(record);
  return { ...record, inARow };
}

/**
 * PostgreSQL's text holds no NUL character, not even as a query's parameter: one in a receiving
 * server's reply or in a Message-ID it quotes (relayed by a provider, quoted in a report) would fail
 * the whole batch, on every retry. Each becomes U+FFFD, the same on every retry, so a redelivered
 * event is still the same event (a Message-ID so changed finds no delivery: none we send holds a NUL).
 */
function storable(event: BounceEvent): BounceEvent {
  const clean = (text: string) => text.replaceAll('\u0000', '\uFFFD');
  const { hints } = event;
  return {
    ...event,
    hints: {
      ...hints,
      verpCandidates: hints.verpCandidates.map(clean),
      messageIds: hints.messageIds.map(clean),
      unsubscribeLinks: hints.unsubscribeLinks.map(clean),
      listIds: hints.listIds.map(clean),
      senders: hints.senders.map(clean),
    },
    eventId: clean(event.eventId),
    legacyEventId: event.legacyEventId === undefined ? undefined : clean(event.legacyEventId),
    olderEventIds: event.olderEventIds?.map(clean),
    status: event.status === undefined ? undefined : clean(event.status),
    diagnostic: clean(event.diagnostic),
    source: clean(event.source),
  };
}

/**
 * A provider's clock and ours differ, and our ledger row is written after the provider's 250: a
 * bounce the provider stamps a moment before that row is still about that delivery.
 */
const CLOCK_SKEW_MS = 10 * 60_000;

/** The issue last delivered to the reader at or before `at` (give or take CLOCK_SKEW_MS); null with none. */
function lastDeliveredBefore(history: ReaderHistory, at: string): string | null {
  const by = new Date(Date.parse(at) + CLOCK_SKEW_MS).toISOString();
  let found: { issueId: string; at: string } | undefined;
  for (const d of history.deliveries) if (d.at <= by && (!found || d.at > found.at)) found = d;
  return found?.issueId ?? null;
}

/**
 * When a bounce's suppression is dated. Reports credit a suppression to the last issue delivered
 * before it, so one imported late (the mailbox read after the next issue went out) would count for
 * the wrong issue. When the event names its issue, it is dated when it happened, kept within that
 * issue's delivery and the next one (and never after now); otherwise when it was recorded. Pure.
 */
export function suppressedAt(history: ReaderHistory, issueId: string | null, happened: Date, now: Date): string {
  const recorded = now.toISOString();
  const delivered = issueId ? history.deliveries.find((d) => d.issueId === issueId)?.at : undefined;
  if (!delivered) return recorded;
  const at = happened.getTime() <= now.getTime() ? happened.toISOString() : recorded;
  const later = history.deliveries.some((d) => d.at > delivered && d.at <= at);
  return at < delivered || later ? delivered : at;
}

/**
 * Soft bounces in a row, the new one included: counted per issue, back to the last issue delivered
 * to the reader without a bounce that was sent before the newest soft-bounced one. Issues sent after
 * it do not reset the count yet: their bounce may still be on its way. An event that names no issue
 * (a provider that reports only the address) is taken as about the last issue delivered to the reader
 * before it, so the retries of one message on several days are one issue, and one bounce for each of
 * three weekly issues is three; with no such delivery known, it counts by its day. Pure.
 */
export function softInARow(
  history: ReaderHistory,
  current: { issueId: string | null; eventId: string; at: string },
): number {
  const deliveries = [...history.deliveries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const sentAt = new Map(deliveries.map((d) => [d.issueId, d.at]));
  const issueOf = (e: { issueId: string | null; at: string }): string | null => {
    if (e.issueId) return e.issueId;
    let found: string | null = null;
    for (const d of deliveries) if (d.at <= e.at) found = d.issueId;
    return found;
  };
  const bounced = new Set(history.events.map(issueOf).filter((id): id is string => id !== null));
  const soft = [...history.events.filter((e) => e.kind === 'soft'), { ...current, kind: 'soft' as const }].map((e) => ({
    at: e.at,
    issueId: issueOf(e),
  }));
  const currentIssue = soft[soft.length - 1]!.issueId;
  const refOf = (e: { issueId: string | null; at: string }) => (e.issueId && sentAt.get(e.issueId)) || e.at;
  const newest = latest(soft.map(refOf));
  const successes = deliveries
    .filter((d) => !bounced.has(d.issueId) && d.issueId !== currentIssue && d.at < newest)
    .map((d) => d.at);
  const lastSuccess = latest(successes);
  const keys = new Set(soft.filter((e) => refOf(e) > lastSuccess).map((e) => e.issueId ?? `day:${e.at.slice(0, 10)}`));
  return keys.size;
}

/** The latest of ISO times; '' for none. */
function latest(times: string[]): string {
  return times.length ? [...times].sort()[times.length - 1]! : '';
}
