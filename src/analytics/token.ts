import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Click tokens: `base64url(payload).base64url(mac)`, the payload naming the issue, summary, section
 * role, variant, link kind and the target URL. The MAC covers all of it, so the redirect can only
 * ever go to a target rolecast signed: no open redirect, and no database lookup per click. The key
 * is the unsubscribe signing key (ROLECAST_SECRET), under its own domain-separation label so a
 * click token can never pass as an unsubscribe token or the other way round.
 */

export const LINK_KINDS = ['article', 'source', 'archive'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface ClickClaims {
  issueId: string;
  summaryId: string;
  role: string;
  variantId: string;
  kind: LinkKind;
  target: string;
}

const VERSION = 'c1';
/** 128 bits of MAC: forging one needs ~2^128 tries, and keeps links short. */
const MAC_BYTES = 16;
const KIND_CODES: Record<LinkKind, string> = { article: 'a', source: 's', archive: 'r' };
const KIND_BY_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as LinkKind]));

export function signClickToken(claims: ClickClaims, secret: string): string {
  const fields = [VERSION, claims.issueId, claims.summaryId, claims.role, claims.variantId, KIND_CODES[claims.kind]];
  const payload = Buffer.from(JSON.stringify([...fields, claims.target])).toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

/** The claims when the token is intact and signed with `secret`; undefined for anything else. */
export function verifyClickToken(token: string, secret: string): ClickClaims | undefined {
  const dot = token.indexOf('.');
  if (dot < 1 || token.indexOf('.', dot + 1) !== -1) return undefined;
  const payload = token.slice(0, dot);
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(token.slice(dot + 1));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(decoded) || decoded.length !== 7 || decoded[0] !== VERSION) return undefined;
    if (!decoded.every((field) => typeof field === 'string')) return undefined;
    const [, issueId, summaryId, role, variantId, code, target] = decoded as string[];
    const kind = KIND_BY_CODE.get(code!);
    if (!kind || !isHttpUrl(target!)) return undefined;
    return { issueId: issueId!, summaryId: summaryId!, role: role!, variantId: variantId!, kind, target: target! };
  } catch {
    return undefined;
  }
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(value);
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(`rolecast-click\n${payload}`)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');
}
