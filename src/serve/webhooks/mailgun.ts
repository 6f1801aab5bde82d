import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { classifyFailure } from '../../bounces/classify.js';
import { type BounceEvent, emptyHints } from '../../bounces/types.js';
import { dateOf, fresh, type Provider, parseJson, record, text } from './_types.js';
import { memoryTokenBindings, type TokenBindings } from './tokens.js';

/**
 * Mailgun: the JSON body carries `signature: {timestamp, token, signature}`, where signature is
 * the hex HMAC-SHA256 of timestamp + token with the webhook signing key. A timestamp older than
 * `maxAgeSeconds` is refused. The signature does not cover the body, so a token is bound to the
 * first body seen with it: the same token with another body is a forgery (401), while the same call
 * again (a provider retry) is answered like the first and changes nothing, each event being stored
 * once by its id. Tokens are remembered for as long as their timestamp is accepted: in memory,
 * or in the database that all replicas share (tokens.ts).
 */

export function mailgunProvider(
  signingKey: string,
  maxAgeSeconds: number,
  bindings: TokenBindings = memoryTokenBindings(),
): Provider {
  return {
    name: 'mailgun',
    async verify({ body, now }) {
      const signature = record(record(parseJson(body)).signature);
      const timestamp = text(signature.timestamp);
      const token = text(signature.token);
      const given = text(signature.signature);
      if (!timestamp || !token || !given) return { ok: false, reason: 'no signature' };
      const expected = createHmac('sha256', signingKey)
        .update(timestamp + token)
        .digest('hex');
      const a = Buffer.from(expected);
      const b = Buffer.from(given.toLowerCase());
      if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'bad signature' };
      if (!/^\d+$/.test(timestamp) || !fresh(Number(timestamp), now, maxAgeSeconds))
        return { ok: false, reason: 'timestamp too old or in the future' };
      const digest = createHash('sha256').update(body).digest('hex');
      if (!(await bindings.bind(token, digest, Number(timestamp), now, maxAgeSeconds)))
        return { ok: false, reason: 'token reused with another body' };
      return { ok: true };
    },
    read(body, now) {
      const data = record(record(parseJson(body))['event-data']);
      const name = text(data.event);
      const id = text(data.id);
      const email = text(data.recipient);
      if (!id || !email) return [];
      const delivery = record(data['delivery-status']);
      const headers = record(record(data.message).headers);
      const messageId = text(headers['message-id']);
      const from = text(headers.from);
      const hints = { ...emptyHints(), messageIds: messageId ? [messageId] : [], senders: from ? [from] : [] };
      const base = {
        eventId: `mailgun:${id}`,
        address: email,
        source: 'mailgun',
        at: dateOf(data.timestamp, now),
        hints,
      };
      if (name === 'complained')
        return [{ ...base, kind: 'complaint', status: undefined, diagnostic: 'complaint (Mailgun feedback loop)' }];
      if (name !== 'failed') return [];
      // A temporary failure is one attempt Mailgun will retry (a deferral, often delivered on the
      // next try): counted as a soft bounce, routine deferrals (Yahoo's TSS04, rate limits) on three
      // issues would suppress a reader who got every one. Mailgun reports giving up as permanent.
      if (text(data.severity) === 'temporary') return [];
      const enhanced = text(delivery['enhanced-code']);
      const code = text(delivery.code);
      const words = [code, text(delivery.message), text(delivery.description), text(data.reason)]
        .filter(Boolean)
        .join(' ');
      const status = enhanced ?? (code && /^[45]\d\d$/.test(code) ? `${code[0]}.0.0` : undefined);
      const event: BounceEvent = {
        ...base,
        kind: mailgunKind(text(data.severity), text(data.reason), status, words),
        status,
        diagnostic: (words || 'failed').slice(0, 1000),
      };
      return [event];
    },
  };
}

/**
 * Mailgun calls a failure "permanent" also when it stopped retrying a temporary one (reason `old`,
 * a 4xx code) and when the remote server refused the sender rather than the address (5.7.x): those
 * are soft, as the same reports read from a mailbox are (see bounces/classify.ts).
 */
function mailgunKind(
  severity: string | undefined,
  reason: string | undefined,
  status: string | undefined,
  words: string,
): BounceEvent['kind'] {
  if (severity !== 'permanent' || reason === 'old' || status?.startsWith('4')) return 'soft';
  // Mailgun refused to try: the address bounced for good before (code 605, no reply to read).
  if (reason === 'suppress-bounce') return 'hard';
  return classifyFailure(status ?? '5.0.0', words);
}
