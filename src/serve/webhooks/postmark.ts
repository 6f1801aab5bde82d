import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { findStatus } from '../../bounces/classify.js';
import { type BounceEvent, type BounceKind, emptyHints } from '../../bounces/types.js';
import { dateOf, headerOf, type Provider, parseJson, record, text, type Verdict } from './_types.js';

/**
 * Postmark: its bounce and spam-complaint webhooks are secured with HTTP basic auth written into
 * the webhook URL (https://user:password@host/webhooks/postmark); Postmark does not sign bodies or
 * timestamps, so a replay is caught by the bounce ID alone (each is stored once).
 */

const HARD = new Set(['HardBounce', 'BadEmailAddress']);
const SOFT = new Set(['SoftBounce', 'Transient', 'DnsError', 'Blocked']);
const COMPLAINT = new Set(['SpamComplaint']);

export function postmarkProvider(credentials: string): Provider {
  const expected = digest(`Basic ${Buffer.from(credentials).toString('base64')}`);
  const credentialsVerdict = (headers: IncomingHttpHeaders): Verdict => {
    const given = headerOf(headers, 'authorization');
    if (!given) return { ok: false, reason: 'no basic auth credentials' };
    // Compared as digests: equal length, constant time, whatever was sent.
    return timingSafeEqual(digest(given.trim()), expected)
      ? { ok: true }
      : { ok: false, reason: 'wrong basic auth credentials' };
  };
  return {
    name: 'postmark',
    verifyHeaders: credentialsVerdict,
    // Postmark signs nothing in the body: the headers are all there is to check.
    verify: async ({ headers }) => credentialsVerdict(headers),
    read(body, now) {
      const payload = record(parseJson(body));
      const type = text(payload.Type) ?? text(payload.RecordType) ?? '';
      const kind: BounceKind | undefined = COMPLAINT.has(type)
        ? 'complaint'
        : HARD.has(type)
          ? 'hard'
          : SOFT.has(type)
            ? 'soft'
            : undefined;
      const id = wholeId(body.toString('utf8')) ?? text(payload.ID);
      const email = text(payload.Email);
      if (!kind || !id || !email) return [];
      const details = text(payload.Details) ?? '';
      const diagnostic = [text(payload.Description), details].filter(Boolean).join(' — ') || type;
      const event: BounceEvent = {
        eventId: `postmark:${id}`,
        kind,
        address: email,
        status: kind === 'complaint' ? undefined : findStatus(details),
        diagnostic: diagnostic.slice(0, 1000),
        source: 'postmark',
        at: dateOf(payload.BouncedAt, now),
        // Postmark's MessageID is its own, never the Message-ID header: only the sender ties it.
        hints: { ...emptyHints(), senders: text(payload.From) ? [text(payload.From)!] : [] },
      };
      return [event];
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The bounce ID as written: Postmark's IDs are 64-bit, and past 2^53 JSON.parse rounds two of them
 * to one number, which would drop the second bounce as a replay of the first.
 */
function wholeId(body: string): string | undefined {
  const ids = [...body.matchAll(/"ID"\s*:\s*(\d{1,20})\s*[,}]/g)];
  return ids.length === 1 ? ids[0]![1] : undefined;
}
