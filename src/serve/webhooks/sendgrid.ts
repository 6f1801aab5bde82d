import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { classifyFailure, findStatus } from '../../bounces/classify.js';
import { type BounceEvent, emptyHints } from '../../bounces/types.js';
import { RolecastError } from '../../errors.js';
import { dateOf, fresh, headerOf, type Provider, parseJson, record, text } from './_types.js';

/**
 * SendGrid's signed event webhook: ECDSA (P-256, SHA-256) over the timestamp header followed by
 * the raw body, signature in X-Twilio-Email-Event-Webhook-Signature (base64 DER), timestamp in
 * X-Twilio-Email-Event-Webhook-Timestamp. The verification key is shown base64 (DER
 * SubjectPublicKeyInfo) in SendGrid's settings. A body is a JSON array of events; `bounce` (type
 * bounce: hard or soft as its status and words say, blocked: soft) and `spamreport` are read, each stored once by its sg_event_id.
 */

export function sendgridProvider(publicKey: string, maxAgeSeconds: number): Provider {
  const key = readKey(publicKey);
  return {
    name: 'sendgrid',
    verifyHeaders: (headers) => (signatureOf(headers) ? { ok: true } : { ok: false, reason: 'no signature' }),
    async verify({ headers, body, now }) {
      const signed = signatureOf(headers);
      if (!signed) return { ok: false, reason: 'no signature' };
      const { signature, timestamp } = signed;
      const verifier = createVerify('sha256');
      verifier.update(timestamp);
      verifier.update(body);
      let valid = false;
      try {
        valid = verifier.verify(key, Buffer.from(signature, 'base64'));
      } catch {
        valid = false;
      }
      if (!valid) return { ok: false, reason: 'bad signature' };
      if (!/^\d+$/.test(timestamp) || !fresh(Number(timestamp), now, maxAgeSeconds))
        return { ok: false, reason: 'timestamp too old or in the future' };
      return { ok: true };
    },
    read(body, now) {
      const events = parseJson(body);
      if (!Array.isArray(events)) return [];
      return events.flatMap((raw): BounceEvent[] => {
        const e = record(raw);
        const id = text(e.sg_event_id);
        const email = text(e.email);
        if (!id || !email) return [];
        const smtpId = text(e['smtp-id']);
        const base = {
          eventId: `sendgrid:${id}`,
          address: email,
          source: 'sendgrid',
          at: dateOf(e.timestamp, now),
          hints: { ...emptyHints(), messageIds: smtpId ? [smtpId] : [] },
        };
        if (e.event === 'spamreport')
          return [{ ...base, kind: 'complaint', status: undefined, diagnostic: 'complaint (spam report)' }];
        if (e.event !== 'bounce') return [];
        const given = text(e.status);
        const diagnostic = text(e.reason) ?? text(e.bounce_classification) ?? 'bounce';
        // SendGrid often gives only the class (5.0.0): the receiving server's own status, when its
        // reply quotes one, says more (5.1.1: no such mailbox).
        const valid = given && /^[245]\.\d{1,3}\.\d{1,3}$/.test(given) ? given : undefined;
        const status = valid?.endsWith('.0.0') ? (findStatus(diagnostic) ?? valid) : valid;
        return [
          {
            ...base,
            kind: sendgridKind(text(e.type), text(e.bounce_classification), status, diagnostic),
            status,
            diagnostic: diagnostic.slice(0, 1000),
          },
        ];
      });
    },
  };
}

/**
 * SendGrid calls every permanent refusal a `bounce`, also a block list or a DMARC failure (its
 * Reputation and Content classes), which says nothing against the reader's address: read like the
 * same report from a mailbox (see bounces/classify.ts), or one mistake would suppress every reader
 * of a provider for good. `blocked` is a temporary refusal; Invalid Address is SendGrid's own word.
 */
function sendgridKind(
  type: string | undefined,
  classification: string | undefined,
  status: string | undefined,
  words: string,
): BounceEvent['kind'] {
  if (type === 'blocked') return 'soft';
  if (classification === 'Invalid Address') return 'hard';
  return classifyFailure(status ?? findStatus(words) ?? '5.0.0', words);
}

function readKey(value: string): KeyObject {
  const trimmed = value.trim();
  try {
    if (trimmed.includes('BEGIN PUBLIC KEY')) return createPublicKey(trimmed);
    return createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new RolecastError('E_USAGE', 'ROLECAST_SENDGRID_WEBHOOK_KEY is not a public key', {
      hint: 'paste the verification key SendGrid shows for the signed event webhook (base64, or PEM with its BEGIN PUBLIC KEY line); serve was not started',
      cause,
    });
  }
}

/** The signature headers SendGrid sends, or undefined when either is missing. */
function signatureOf(headers: IncomingHttpHeaders): { signature: string; timestamp: string } | undefined {
  const signature = headerOf(headers, 'x-twilio-email-event-webhook-signature');
  const timestamp = headerOf(headers, 'x-twilio-email-event-webhook-timestamp');
  return signature && timestamp ? { signature, timestamp } : undefined;
}
