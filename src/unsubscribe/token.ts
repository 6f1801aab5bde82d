import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { canonicalAddress } from '../address.js';

/**
 * Unsubscribe tokens: `base64url(payload).base64url(hmac)`, where the payload binds the address
 * to the list. Stateless, so the endpoint needs no database lookup to verify a click, and a token
 * for one list cannot unsubscribe the same address from another.
 */

export interface TokenClaims {
  email: string;
  listId: string;
}

const VERSION = 'v1';

/** Whether two list ids name one list: a list id is a domain-like name, compared whatever its case (RFC 2919). */
export function sameListId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function signToken(claims: TokenClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify([VERSION, claims.listId, canonicalAddress(claims.email)])).toString(
    'base64url',
  );
  return `${payload}.${mac(payload, secret)}`;
}

/** The claims when the token is intact and signed with `secret`; undefined for anything else. */
export function verifyToken(token: string, secret: string): TokenClaims | undefined {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(decoded) || decoded[0] !== VERSION) return undefined;
    const [, listId, email] = decoded;
    if (typeof listId !== 'string' || typeof email !== 'string') return undefined;
    return { email, listId };
  } catch {
    return undefined;
  }
}

/**
 * The claims when the token verifies with the current key or one of the keys it replaced: a link in
 * a message sent before the key was rotated must still unsubscribe its reader. Only verifying.
 */
export function verifyTokenWithAny(
  token: string,
  secret: string,
  previous: readonly string[] = [],
): TokenClaims | undefined {
  for (const key of [secret, ...previous]) {
    const claims = verifyToken(token, key);
    if (claims) return claims;
  }
  return undefined;
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', keyOf(secret)).update(payload).digest('base64url');
}

/** A run signs thousands of tokens with one secret: its key is made once, not once per token. */
let lastKey: { secret: string; key: KeyObject } | undefined;

function keyOf(secret: string): KeyObject {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return lastKey.key;
}
