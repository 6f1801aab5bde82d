import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

/**
 * Click tokens: `base64url(payload).base64url(mac)`, the payload naming the issue, summary, section
 * role, link kind and the target URL. The MAC covers all of it, so the redirect can only ever go
 * to a target rolecast signed: no open redirect, and no database lookup per click. The key is the
 * unsubscribe signing key (ROLECAST_SECRET), under its own domain-separation label so a click token
 * can never pass as an unsubscribe token or the other way round.
 *
 * The reader's role set (variant) is not in the token: it rides beside it as `?v=`, signed on its
 * own for the issue. A card's tracked link is then the same in every role set that shows the card,
 * so role sets share its compiled and encoded pieces; the variant is one value per role set, filled
 * in like the reader's fields. Links of earlier releases carry the variant inside the token
 * (version `c1`) and are still honoured.
 */

export const LINK_KINDS = ['article', 'source', 'archive'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** What a card link's token signs. */
export interface ClickLink {
  issueId: string;
  summaryId: string;
  role: string;
  kind: LinkKind;
  target: string;
}

/** A click as counted: the link and the role set of the message it was in. */
export interface ClickClaims extends ClickLink {
  variantId: string;
}

const VERSION = 'c2';
/** Earlier releases signed the variant inside the token. */
const VERSION_WITH_VARIANT = 'c1';
/** 128 bits of MAC: forging one needs ~2^128 tries, and keeps links short. */
const MAC_BYTES = 16;
const KIND_CODES: Record<LinkKind, string> = { article: 'a', source: 's', archive: 'r' };
const KIND_BY_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as LinkKind]));

export function signClickToken(link: ClickLink, secret: string): string {
  const fields = [VERSION, link.issueId, link.summaryId, link.role, KIND_CODES[link.kind], link.target];
  const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

/**
 * The link when the token is intact and signed with `secret`, undefined for anything else. A token
 * of an earlier release also gives the variant it was signed with.
 */
export function verifyClickToken(token: string, secret: string): (ClickLink & { variantId?: string }) | undefined {
  const payload = signedPayload(token, (signed) => mac(signed, secret));
  if (payload === undefined) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(decoded) || !decoded.every((field) => typeof field === 'string')) return undefined;
    let fields = decoded as string[];
    let variantId: string | undefined;
    if (fields[0] === VERSION_WITH_VARIANT && fields.length === 7) {
      variantId = fields[4];
      fields = [VERSION, ...fields.slice(1, 4), ...fields.slice(5)];
    }
    if (fields.length !== 6 || fields[0] !== VERSION) return undefined;
    const [, issueId, summaryId, role, code, target] = fields;
    const kind = KIND_BY_CODE.get(code!);
    if (!kind || !isHttpUrl(target!)) return undefined;
    const link = { issueId: issueId!, summaryId: summaryId!, role: role!, kind, target: target! };
    return variantId === undefined ? link : { ...link, variantId };
  } catch {
    return undefined;
  }
}

/** The `?v=` value of a role set's click links: its variant id, signed for the issue. */
export function signClickVariant(issueId: string, variantId: string, secret: string): string {
  const payload = Buffer.from(variantId).toString('base64url');
  return `${payload}.${mac(`${issueId}\n${payload}`, secret, VARIANT_LABEL)}`;
}

/** The variant id of a `?v=` value signed for `issueId`; undefined when missing, altered or for another issue. */
export function verifyClickVariant(value: string | null, issueId: string, secret: string): string | undefined {
  const payload = value
    ? signedPayload(value, (signed) => mac(`${issueId}\n${signed}`, secret, VARIANT_LABEL))
    : undefined;
  return payload === undefined ? undefined : Buffer.from(payload, 'base64url').toString('utf8');
}

/** Whether `value` holds only what a signed value is made of (base64url and its dot): URL-safe ASCII. */
export function isSignedValueShape(value: string): boolean {
  return /^[\w.-]+$/.test(value);
}

const VARIANT_LABEL = 'rolecast-click-variant';

/** The part before the one dot when the MAC after it is `macOf` that part (compared in constant time). */
function signedPayload(token: string, macOf: (payload: string) => string): string | undefined {
  const dot = token.indexOf('.');
  if (dot < 1 || token.indexOf('.', dot + 1) !== -1) return undefined;
  const payload = token.slice(0, dot);
  const expected = Buffer.from(macOf(payload));
  const given = Buffer.from(token.slice(dot + 1));
  return expected.length === given.length && timingSafeEqual(expected, given) ? payload : undefined;
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(value);
}

// A key object made once: making one from the secret string costs more than the MAC.
let lastKey: { secret: string; key: KeyObject } | undefined;

function mac(payload: string, secret: string, label = 'rolecast-click'): string {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(Buffer.from(secret)) };
  return createHmac('sha256', lastKey.key)
    .update(`${label}\n${payload}`)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');
}
