import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { canonicalAddress } from '../../address.js';
import { sameListId } from '../../unsubscribe/token.js';

/**
 * Signed tokens for the reader pages. Each is single-purpose (the purpose is inside the signed
 * payload, and the key is derived per purpose), so a confirmation token cannot pass as a CSRF token
 * or an unsubscribe token, and none of them as another. Confirmation tokens expire and carry a
 * nonce the store keeps until they are used: a second use finds no matching nonce.
 *
 * A confirmation link goes to the address being confirmed, and for an address change it names the
 * reader's current address too: someone given the new address (a typo, a stranger's) must not read
 * the old one out of the link. Its fields are sealed (AES-256-GCM), not only signed; links of
 * earlier releases (`r1`, signed only) are still honoured until they expire.
 */

export type ConfirmPurpose = 'signup' | 'address';

export interface ConfirmClaims {
  purpose: ConfirmPurpose;
  listId: string;
  /** The address being confirmed. */
  email: string;
  /** For an address change: the reader's current address. */
  from: string | undefined;
  nonce: string;
  /** Seconds since the epoch after which the token is refused. */
  expires: number;
}

const VERSION = 'r1';
/** Confirmation tokens whose fields are sealed, not readable. */
const SEALED_VERSION = 'r2';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

export function signConfirmToken(claims: ConfirmClaims, secret: string): string {
  const payload = seal(
    [
      SEALED_VERSION,
      claims.purpose,
      claims.listId,
      canonicalAddress(claims.email),
      claims.from ? canonicalAddress(claims.from) : '',
      claims.nonce,
      claims.expires,
    ],
    secret,
  );
  return `${payload}.${mac('confirm', payload, secret)}`;
}

export type ConfirmCheck = { ok: true; claims: ConfirmClaims } | { ok: false; reason: 'forged' | 'expired' };

/**
 * `secrets`: the signing key, then the keys it replaced (ROLECAST_SECRET_PREVIOUS), so a link mailed
 * just before a rotation still confirms.
 */
export function verifyConfirmToken(
  token: string,
  secrets: string | readonly string[],
  listId: string,
  now: Date,
): ConfirmCheck {
  const signed = signedWith('confirm', token, secrets);
  const fields = signed && (unseal(signed.payload, signed.secret) ?? decode(signed.payload));
  if (fields?.length !== 7 || (fields[0] !== SEALED_VERSION && fields[0] !== VERSION))
    return { ok: false, reason: 'forged' };
  const [, purpose, list, email, from, nonce, expires] = fields;
  if (
    (purpose !== 'signup' && purpose !== 'address') ||
    typeof list !== 'string' ||
    !sameListId(list, listId) ||
    typeof email !== 'string' ||
    typeof from !== 'string' ||
    typeof nonce !== 'string' ||
    typeof expires !== 'number'
  )
    return { ok: false, reason: 'forged' };
  if (now.getTime() / 1000 > expires) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { purpose, listId: list, email, from: from || undefined, nonce, expires } };
}

/**
 * The preferences page's CSRF token: bound to the address, and fresh for `maxAgeMs` after the page
 * was shown. A write without it (a form posted from another site) is refused.
 */
export function signCsrf(email: string, secret: string, now: Date): string {
  const payload = encode([VERSION, canonicalAddress(email), Math.floor(now.getTime() / 1000)]);
  return `${payload}.${mac('csrf', payload, secret)}`;
}

export const CSRF_MAX_AGE_MS = 12 * 3600_000;

/** `secrets` as for `verifyConfirmToken`: a page shown before a rotation still saves, and unsubscribes. */
export function verifyCsrf(
  token: string | undefined,
  email: string,
  secrets: string | readonly string[],
  now: Date,
): boolean {
  const payload = token ? signedWith('csrf', token, secrets)?.payload : undefined;
  const fields = payload && decode(payload);
  if (!fields || fields[0] !== VERSION || fields[1] !== canonicalAddress(email) || typeof fields[2] !== 'number')
    return false;
  const age = now.getTime() - fields[2] * 1000;
  return age >= -60_000 && age <= CSRF_MAX_AGE_MS;
}

/** The token's payload and the first of `secrets` whose MAC for `purpose` it carries. */
function signedWith(
  purpose: string,
  token: string,
  secrets: string | readonly string[],
): { payload: string; secret: string } | undefined {
  for (const secret of [secrets].flat()) {
    const payload = verified(purpose, token, secret);
    if (payload !== undefined) return { payload, secret };
  }
  return undefined;
}

function verified(purpose: string, token: string, secret: string): string | undefined {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(purpose, payload, secret));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? payload : undefined;
}

function encode(fields: unknown[]): string {
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

function decode(payload: string): unknown[] | undefined {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The fields encrypted under a key of their own: base64url(iv, ciphertext, tag). */
function seal(fields: unknown[], secret: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(fields), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The sealed fields, or undefined for a payload that is not sealed with this secret (an `r1` one). */
function unseal(payload: string, secret: string): unknown[] | undefined {
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const text = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    const value = JSON.parse(text.toString('utf8')) as unknown;
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function sealKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('rolecast reader pages: seal confirm').digest();
}

/** HMAC with a key derived for one purpose from the signing secret. */
function mac(purpose: string, payload: string, secret: string): string {
  const key = createHmac('sha256', secret).update(`rolecast reader pages: ${purpose}`).digest();
  return createHmac('sha256', key).update(payload).digest('base64url');
}
