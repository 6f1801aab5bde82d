import { append } from '../append.js';
import { type ApplyOptions, applyEvents, type Decision } from './apply.js';
import { readMailbox } from './mailbox.js';
import { readReport } from './report.js';
import { createResolver } from './resolve.js';
import type { BounceStore } from './store.js';
import { readUnsubscribeRequest } from './unsubscribe-request.js';

/**
 * `rolecast bounces import`: every message under a path read as a report, each decision stored.
 * Messages are applied in batches, one transaction each, so a huge mailbox neither holds every
 * event in memory nor leaves half a batch behind when interrupted.
 */

export interface ImportSummary {
  messages: number;
  decisions: Decision[];
  /** Messages that gave no event, with why (an auto-reply in the bounce mailbox, a delay notice). */
  ignored: { origin: string; reason: string }[];
  /** Readers' unsubscribe requests by mail (see unsubscribe-request.ts), and whether each was new. */
  unsubscribed: { origin: string; email: string; outcome: 'suppressed' | 'already suppressed' }[];
}

const BATCH = 500;

export async function importBounces(
  path: string,
  store: BounceStore,
  options: ApplyOptions & {
    source: string;
    /** The name the mailbox's server writes in Authentication-Results (see unsubscribe-request.ts). */
    authServId?: string | undefined;
  },
): Promise<ImportSummary> {
  const summary: ImportSummary = { messages: 0, decisions: [], ignored: [], unsubscribed: [] };
  const resolver = createResolver(store, options);
  let batch: ReturnType<typeof readReport>['events'] = [];
  const flush = async () => {
    append(summary.decisions, await applyEvents(store, batch, options, resolver));
    batch = [];
  };
  for (const message of readMailbox(path)) {
    summary.messages++;
    const { events, ignored } = readReport(message.raw, options.source, options.now);
    const request = events.length === 0 ? await readUnsubscribeRequest(message.raw, options) : undefined;
    if (request && 'email' in request) {
      const { email } = request;
      const added = await store.transaction(() =>
        store.suppress(email, { reason: 'unsubscribe', source: 'mailto', at: options.now.toISOString() }),
      );
      summary.unsubscribed.push({
        origin: message.origin,
        email,
        outcome: added ? 'suppressed' : 'already suppressed',
      });
      continue;
    }
    const why = request?.ignored ?? ignored;
    if (why) summary.ignored.push({ origin: message.origin, reason: why });
    append(batch, events);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return summary;
}

export { countDecisions, type DecisionCounts } from './decision-counts.js';
