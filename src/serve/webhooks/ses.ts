import { createVerify, X509Certificate } from 'node:crypto';
import { readSesNotification, sesSkipped } from '../../bounces/ses-notification.js';
import { fresh, type Provider, parseJson, record, text } from './_types.js';

/**
 * Amazon SES notifications through an SNS topic. Each SNS message is signed (SignatureVersion 1:
 * SHA1withRSA, 2: SHA256withRSA) over the fields AWS lists for its type; the signing certificate
 * is fetched only from https://sns.<region>.amazonaws.com/….pem and cached. Only topics named in
 * ROLECAST_SNS_TOPIC_ARNS are accepted: anyone can own an SNS topic whose messages verify. A
 * SubscriptionConfirmation from such a topic is confirmed by visiting its SubscribeURL (same host
 * rule). Raw message delivery must be off, or there is no signature to check.
 */

export type Fetcher = (url: string) => Promise<string>;

export interface SesOptions {
  topicArns: readonly string[];
  maxAgeSeconds: number;
  /** Downloads a signing certificate (PEM); injectable so tests never touch the network. */
  fetchCertificate?: Fetcher | undefined;
  /** Visits a SubscribeURL; injectable likewise. */
  confirmSubscription?: Fetcher | undefined;
}

// A region name (us-east-1, eu-central-2, us-gov-west-1, cn-north-1), never any other label:
// sns.s3.amazonaws.com and sns.s3-website-….amazonaws.com are S3 buckets named "sns" that
// anyone could own, serving a certificate of their own.
const SNS_HOST = /^sns\.[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}\.amazonaws\.com(?:\.cn)?$/;

const SIGNED_FIELDS: Record<string, readonly string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** True for an https URL on an SNS regional host; nothing else is ever fetched. */
export function isSnsUrl(value: string, suffix?: string): boolean {
  try {
    const url = new URL(value);
    return (
      url.protocol === 'https:' &&
      SNS_HOST.test(url.hostname) &&
      url.port === '' &&
      url.username === '' &&
      url.password === '' &&
      (suffix === undefined || (url.pathname.endsWith(suffix) && url.search === ''))
    );
  } catch {
    return false;
  }
}

/** The string SNS signs: each field present, as `name\nvalue\n`, in its fixed order. */
export function snsStringToSign(message: Record<string, unknown>): string | undefined {
  const fields = SIGNED_FIELDS[String(message.Type)];
  if (!fields) return undefined;
  let out = '';
  for (const field of fields) {
    const value = text(message[field]);
    if (value === undefined) {
      if (field === 'Subject') continue;
      return undefined;
    }
    out += `${field}\n${value}\n`;
  }
  return out;
}

export function sesProvider(options: SesOptions): Provider {
  const certificates = new Map<string, Promise<string>>();
  const fetchCertificate = options.fetchCertificate ?? httpsGet;
  const confirm = options.confirmSubscription ?? httpsGet;
  const certificate = (url: string) => {
    let pending = certificates.get(url);
    if (!pending) {
      // SNS uses a handful of certificates; a flood of made-up URLs must not grow the cache.
      if (certificates.size >= 32) certificates.clear();
      pending = fetchCertificate(url);
      // A failed download is tried again on the next message.
      pending.catch(() => certificates.delete(url));
      certificates.set(url, pending);
    }
    return pending;
  };
  return {
    name: 'ses',
    async verify({ body, now }) {
      const message = record(parseJson(body));
      const toSign = snsStringToSign(message);
      const signature = text(message.Signature);
      const certUrl = text(message.SigningCertURL);
      const version = text(message.SignatureVersion);
      if (!toSign || !signature || !certUrl) return { ok: false, reason: 'not a signed SNS message' };
      if (version !== '1' && version !== '2') return { ok: false, reason: 'unknown SignatureVersion' };
      if (!isSnsUrl(certUrl, '.pem')) return { ok: false, reason: 'SigningCertURL is not an SNS certificate URL' };
      // Checked before anything is fetched; the signature check below covers the field too.
      if (!options.topicArns.includes(text(message.TopicArn) ?? ''))
        return { ok: false, reason: 'topic not in ROLECAST_SNS_TOPIC_ARNS' };
      let pem: string;
      try {
        pem = await certificate(certUrl);
      } catch {
        return { ok: false, reason: 'the signing certificate could not be fetched' };
      }
      if (!signedBy(pem, toSign, signature, version, now)) return { ok: false, reason: 'bad signature' };
      const sentAt = Date.parse(text(message.Timestamp) ?? '');
      if (!fresh(sentAt / 1000, now, options.maxAgeSeconds))
        return { ok: false, reason: 'timestamp too old or in the future' };
      if (message.Type === 'SubscriptionConfirmation') {
        const url = text(message.SubscribeURL) ?? '';
        if (!isSnsUrl(url)) return { ok: false, reason: 'SubscribeURL is not an SNS URL' };
        try {
          await confirm(url);
        } catch (error) {
          return { ok: true, notYet: notConfirmed(text(message.TopicArn) ?? '', url, error) };
        }
        return { ok: true, handled: `confirmed the subscription to ${text(message.TopicArn)}` };
      }
      if (message.Type === 'UnsubscribeConfirmation') return { ok: true, handled: 'unsubscribe confirmation noted' };
      return { ok: true };
    },
    read(body, now) {
      return readSesNotification(notificationIn(body), now);
    },
    skipped(body) {
      return sesSkipped(record(notificationIn(body)));
    },
  };
}

/** The SES notification an SNS message carries as its `Message`. */
function notificationIn(body: Buffer): unknown {
  return parseJson(Buffer.from(text(record(parseJson(body)).Message) ?? ''));
}

/**
 * Why a subscription is not confirmed yet, and what to do. The SubscribeURL carries the
 * confirmation token, so it is named, never written out.
 */
function notConfirmed(topicArn: string, url: string, error: unknown): string {
  const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
  const why = String(cause || error).replaceAll(url, 'its SubscribeURL');
  const host = new URL(url).hostname;
  return `could not confirm the subscription to ${topicArn} (${why}); answered 503 so SNS sends the confirmation again — let serve reach https://${host}, or choose "Request confirmation" for the subscription in the SNS console`;
}

function signedBy(pem: string, toSign: string, signature: string, version: string, now: Date): boolean {
  try {
    const cert = new X509Certificate(pem);
    if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) return false;
    const verifier = createVerify(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    verifier.update(toSign, 'utf8');
    return verifier.verify(cert.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A small GET over https with a timeout and a size cap, for certificates and confirmations. */
async function httpsGet(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const body = await response.text();
  if (body.length > 64 * 1024) throw new Error(`${url} sent more than 64 KB`);
  return body;
}
