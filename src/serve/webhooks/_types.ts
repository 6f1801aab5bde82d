import type { IncomingHttpHeaders } from 'node:http';
import type { BounceEvent } from '../../bounces/types.js';

/**
 * One provider's webhook: `verify` decides from the raw body and headers alone whether the call
 * is the provider's (anything else is answered 401 and changes nothing); `read` turns a verified
 * body into bounce and complaint events. Providers differ only here.
 */

export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
  now: Date;
}

export type Verdict =
  | { ok: true }
  | { ok: false; reason: string }
  /** Verified and fully handled by the provider itself (an SNS subscription confirmation). */
  | { ok: true; handled: string }
  /**
   * Verified, but what it asks could not be done now (the SubscribeURL did not answer): answered
   * 503, so the provider sends it again, a bounded number of times, rather than 500 as a bug.
   */
  | { ok: true; notYet: string };

export interface Provider {
  name: 'ses' | 'postmark' | 'sendgrid' | 'mailgun';
  /**
   * What the headers alone can refuse, before the body is read: a caller without the credentials
   * then costs no buffered megabyte. `verify` still decides.
   */
  verifyHeaders?(headers: IncomingHttpHeaders): Verdict;
  verify(request: WebhookRequest): Promise<Verdict>;
  read(body: Buffer, now: Date): BounceEvent[];
  /** Why a verified body that gave no event gave none (an SES delivery or Received notification), for the log. */
  skipped?(body: Buffer): string | undefined;
}

export { dateOf, parseJson, record, text } from '../../bounces/_json.js';

export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** True when a signed timestamp (seconds) is within `maxAgeSeconds` of now, and not from the future. */
export function fresh(seconds: number, now: Date, maxAgeSeconds: number): boolean {
  const age = now.getTime() / 1000 - seconds;
  return Number.isFinite(seconds) && age <= maxAgeSeconds && age >= -FUTURE_SKEW_SECONDS;
}

/** Clocks disagree a little; a timestamp further in the future than this is refused. */
const FUTURE_SKEW_SECONDS = 300;
