import { findStatus } from './classify.js';

/** The values a delivery or feedback report's fields hold: addresses, statuses, dates. */

/**
 * `rfc822; user@example.com` → `user@example.com`. An address of type `utf-8` (RFC 6533) writes
 * characters outside ASCII as `\x{HEX}`: decoded, or the report would name a mailbox nobody has and
 * its reader would go on being mailed. A comment after the address is left out.
 */
export function addressOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // A comment after the address ("<a@example.org> (user unknown)") is no part of it.
  const written = stripType(value.slice(0, 1000))
    .replace(/(?:\s*\([^()]{0,500}\))+\s*$/, '')
    .replace(/^<|>$/g, '')
    .trim();
  const address = /^\s*utf-8\s*;/i.test(value) ? decodeEmbeddedUnicode(written) : written;
  return address !== undefined && /^[^\s@]+@[^\s@]+$/.test(address) ? address : undefined;
}

/** `j\x{F6}rg@…` → `jörg@…`; undefined when an escape names no character. */
function decodeEmbeddedUnicode(text: string): string | undefined {
  let bad = false;
  const decoded = text.replace(/\\x\{([0-9A-Fa-f]{1,6})\}/g, (_, hex: string) => {
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      bad = true;
      return '';
    }
    return String.fromCodePoint(code);
  });
  return bad ? undefined : decoded;
}

export function addressesIn(value: string): string[] {
  return value.split(/[\s<>,;:"()]+/).filter((token) => token.length <= 320 && /^[^@]+@[^@]+$/.test(token));
}

/** `smtp; 550 …` → `550 …`. */
export function stripType(value: string): string {
  return value.replace(/^\s*[A-Za-z0-9-]+\s*;\s*/, '').trim();
}

/** `5.1.1 (unknown user)` → `5.1.1`: the status before any comment. */
export function normaliseStatus(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const comment = value.indexOf('(');
  return findStatus(comment < 0 ? value : value.slice(0, comment));
}

export function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  // Dates are short; a hostile header is cut before any pattern runs over it.
  const date = new Date(value.slice(0, 120).replace(/\([^)]*\)\s*$/, ''));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
