import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyEvents } from '../../bounces/apply.js';
import { countDecisions } from '../../bounces/decision-counts.js';
import type { BounceStore } from '../../bounces/store.js';
import type { WebhookSecrets } from '../../config/env.js';
import { WEBHOOK_PREFIX } from '../../config/served-paths.js';
import { printable } from '../../printable.js';
import { BodyTooLargeError, readBoundedBody } from '../body.js';
import type { Provider } from './_types.js';
import { mailgunProvider } from './mailgun.js';
import { postmarkProvider } from './postmark.js';
import { sendgridProvider } from './sendgrid.js';
import { type Fetcher, sesProvider } from './ses.js';
import type { TokenBindings } from './tokens.js';

/**
 * Provider webhooks for bounces and complaints, at /webhooks/ses, /webhooks/postmark,
 * /webhooks/sendgrid and /webhooks/mailgun; a provider whose secret is not set is not served
 * (404). A call whose signature does not verify gets 401 and changes nothing. A verified call is
 * applied like an imported report (hard bounces and complaints suppress, soft bounces count) and
 * stored by event id, so a provider's retry of the same event changes nothing the second time. A
 * busy database answers 503: every provider retries later.
 */

export { WEBHOOK_PREFIX };
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** How old a signed timestamp may be (SendGrid, Mailgun): providers sign each attempt afresh. */
export const DEFAULT_MAX_AGE_SECONDS = 15 * 60;
/** SNS signs the publish time, which its retries keep: a longer window. */
export const DEFAULT_SNS_MAX_AGE_SECONDS = 6 * 60 * 60;

export interface WebhookOptions {
  store: BounceStore;
  secrets: WebhookSecrets;
  softLimit: number;
  /** ROLECAST_SECRET and bounces.domain, to read VERP addresses and unsubscribe tokens. */
  secret?: string | undefined;
  /** Keys `secret` replaced: tags and links of mail sent before a rotation still name their reader. */
  previousSecrets?: readonly string[] | undefined;
  verpDomain?: string | undefined;
  /** This list's id: unsubscribe links signed for another list name no reader of this one. */
  listId?: string | undefined;
  /** This list's sender address: a report about mail from another domain is not about this list (see bounces/other-sender.ts). */
  sender?: string | undefined;
  maxAgeSeconds?: number;
  snsMaxAgeSeconds?: number;
  fetchCertificate?: Fetcher;
  confirmSubscription?: Fetcher;
  now?: () => Date;
  log?: (line: string) => void;
  /** Where Mailgun's token bindings live: this process's memory unless the backend shares them. */
  tokenBindings?: TokenBindings | undefined;
}

/** Handles a request under /webhooks/; the server routes every such path here. */
export type WebhookHandler = (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<void>;

/** The webhook paths served with these secrets, for the startup message. */
export function webhookPaths(secrets: WebhookSecrets): string[] {
  const names = [
    secrets.snsTopicArns.length ? 'ses' : '',
    secrets.postmarkAuth ? 'postmark' : '',
    secrets.sendgridPublicKey ? 'sendgrid' : '',
    secrets.mailgunSigningKey ? 'mailgun' : '',
  ];
  return names.filter(Boolean).map((name) => `${WEBHOOK_PREFIX}${name}`);
}

function configuredProviders(options: WebhookOptions): Map<string, Provider> {
  const { secrets } = options;
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  const providers: Provider[] = [];
  if (secrets.snsTopicArns.length)
    providers.push(
      sesProvider({
        topicArns: secrets.snsTopicArns,
        maxAgeSeconds: options.snsMaxAgeSeconds ?? DEFAULT_SNS_MAX_AGE_SECONDS,
        fetchCertificate: options.fetchCertificate,
        confirmSubscription: options.confirmSubscription,
      }),
    );
  if (secrets.postmarkAuth) providers.push(postmarkProvider(secrets.postmarkAuth));
  if (secrets.sendgridPublicKey) providers.push(sendgridProvider(secrets.sendgridPublicKey, maxAge));
  if (secrets.mailgunSigningKey)
    providers.push(mailgunProvider(secrets.mailgunSigningKey, maxAge, options.tokenBindings));
  return new Map(providers.map((p) => [`${WEBHOOK_PREFIX}${p.name}`, p]));
}

export function createWebhookHandler(options: WebhookOptions): WebhookHandler {
  const providers = configuredProviders(options);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  return async (request, response, pathname) => {
    const provider = providers.get(pathname);
    if (!provider) return reply(response, 404, { error: 'no webhook here' });
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      return reply(response, 405, { error: 'method not allowed' });
    }
    const early = provider.verifyHeaders?.(request.headers);
    if (early && !early.ok) {
      log(`${provider.name} webhook refused: ${early.reason}`);
      // The body is not read: the connection closes after the answer.
      response.setHeader('Connection', 'close');
      return reply(response, 401, { error: 'signature not valid' });
    }
    let body: Buffer;
    try {
      body = await readBoundedBody(request, MAX_WEBHOOK_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      response.setHeader('Connection', 'close');
      return reply(response, 413, { error: 'body too large' });
    }
    const at = now();
    const verdict = await provider.verify({ headers: request.headers, body, now: at });
    if (!verdict.ok) {
      log(`${provider.name} webhook refused: ${verdict.reason}`);
      return reply(response, 401, { error: 'signature not valid' });
    }
    if ('notYet' in verdict) {
      log(`${provider.name} webhook: ${verdict.notYet}`);
      response.setHeader('Retry-After', '60');
      return reply(response, 503, { error: 'try again later' });
    }
    if ('handled' in verdict) {
      log(`${provider.name} webhook: ${verdict.handled}`);
      return reply(response, 200, { ok: true });
    }
    const events = provider.read(body, at);
    const skipped = events.length === 0 ? provider.skipped?.(body) : undefined;
    if (skipped) log(`${provider.name} webhook: skipped ${printable(skipped)}`);
    let decisions: Awaited<ReturnType<typeof applyEvents>>;
    try {
      decisions = await applyEvents(options.store, events, {
        softLimit: options.softLimit,
        secret: options.secret,
        previousSecrets: options.previousSecrets,
        verpDomain: options.verpDomain,
        listId: options.listId,
        sender: options.sender,
        authenticated: true,
        now: at,
      });
    } catch (error) {
      log(
        `${provider.name} webhook could not be recorded yet: ${error instanceof Error ? error.message : String(error)}`,
      );
      response.setHeader('Retry-After', '60');
      return reply(response, 503, { error: 'try again later' });
    }
    const counts = countDecisions(decisions);
    for (const d of decisions)
      if (d.outcome === 'unmatched' && d.skipped)
        log(`${provider.name} webhook: skipped a report not about this list's mail: ${printable(d.skipped)}`);
    if (events.length)
      log(
        `${provider.name} webhook: ${counts.hard} hard, ${counts.soft} soft, ${counts.complaint} complaint(s), ${counts.suppressed} suppressed, ${counts.duplicate} already recorded`,
      );
    return reply(response, 200, { ok: true, events: events.length, ...counts, ...(skipped ? { skipped } : {}) });
  };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
