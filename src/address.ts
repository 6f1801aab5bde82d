import { domainToASCII } from 'node:url';

/**
 * Email addresses as the SMTP envelope will say them. One canonical form is what suppressions,
 * duplicates, the ledger, tokens and Message-IDs compare on, so one mailbox is one key however its
 * address was written: trimmed, the local part case-folded (NFC, lower case), the domain lower-cased
 * and converted to ASCII (IDNA). Mail itself goes to the address as written, in NFC (see `envelopeAddress`).
 */

/**
 * Characters an address may never hold: controls (C0, DEL, C1), line and paragraph separators,
 * and invisible format characters (bidi marks and overrides, zero-width characters, BOM, soft
 * hyphen, tags). A mail library strips or splits on some of them, so the envelope would name a
 * different mailbox than the one written; others make two different addresses look alike.
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u;

const SHAPE = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+$/;
const DOMAIN_ASCII = /^[A-Za-z0-9.-]*$/;
// Labels are split by dots they cannot contain, so matching is linear in the length.
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const NUMERIC_TLD = /\.(?:\d+|0x[0-9a-f]*)$/;
const NON_ASCII = /[^\x00-\x7f]/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const PLAIN_DOMAIN = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
const A_LABEL = /(?:^|\.)xn--/i;
/** The longest address SMTP carries: 256 octets of path less its angle brackets. */
const MAX_ADDRESS_OCTETS = 254;

/** The problem of a value that is no address at all, shown beside the value itself. */
export const NOT_AN_ADDRESS = 'is not a valid email address';

export interface AddressProblem {
  message: string;
  hint?: string;
}

/**
 * An address to remove, erase or suppress as it is kept (trimmed), or undefined where
 * `addressProblem` finds it unusable at any length: what `anyLengthEmail` (model/_fields.ts) takes.
 */
export function suppressibleAddress(value: string): string | undefined {
  return addressProblem(value, { anyLength: true }) ? undefined : value.trim();
}

/**
 * Why `value` (as written, before trimming) is not a usable address; undefined when it is.
 * `anyLength`: an address to remove, erase or suppress, which an earlier release may have stored
 * before addresses over SMTP's 254 bytes were refused, is judged by its shape alone.
 */
export function addressProblem(value: string, options: { anyLength?: boolean } = {}): AddressProblem | undefined {
  const bad = PRINTABLE_ASCII.test(value) ? null : FORBIDDEN.exec(value);
  if (bad) {
    return {
      message: `contains the invisible or control character ${codePoint(bad[0])} at position ${bad.index + 1}`,
      hint: 'retype the address by hand; control, bidi and zero-width characters are never part of an address',
    };
  }
  // What a decoder puts for bytes it could not read (a Windows-1252 list read as UTF-8): the
  // address it stands for is unknown, and two of them would look alike.
  if (value.includes('\ufffd'))
    return {
      message: "contains U+FFFD, a character the file's encoding could not give",
      hint: 'save the list as UTF-8 (in Excel: "CSV UTF-8") and load it again',
    };
  const address = value.trim();
  if (!SHAPE.test(address)) return { message: NOT_AN_ADDRESS, hint: shapeHint(address) };
  const { local, domain } = splitAddress(address);
  // 21 UTF-16 units are at most 63 bytes of UTF-8: only longer local parts need counting.
  if (local.length > 21 && Buffer.byteLength(local) > 64)
    return invalid('has a local part (before the @) longer than 64 bytes');
  const ascii = asciiDomain(domain);
  if (ascii === undefined) return invalid('has a domain (after the @) that is not a valid host name');
  // RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets. A longer address
  // passes every other check here and is refused by every server at RCPT TO.
  if (options.anyLength) return undefined;
  // Fullwidth letters and other compatibility forms (`ａnn@`) key another mailbox than `ann@`, yet a
  // server that folds them (NFKC) delivers to `ann@`: a suppressed reader would be mailed.
  const folded = NON_ASCII.test(local) ? local.normalize('NFKC') : local;
  if (folded !== nfc(local))
    return {
      message: `has a local part (before the @) written with fullwidth or other compatibility characters, read by some servers as "${folded}"`,
      hint: `check the address with the reader and write it in plain characters, such as ${folded}@${domain}`,
    };
  const localOctets = NON_ASCII.test(local) ? Buffer.byteLength(nfc(local)) : local.length;
  if (localOctets + 1 + ascii.length > MAX_ADDRESS_OCTETS)
    return invalid(`is longer than ${MAX_ADDRESS_OCTETS} bytes, which no mail server accepts`);
  return undefined;
}

/** True when `value` is an address `addressProblem` accepts. */
export function isValidAddress(value: string, options: { anyLength?: boolean } = {}): boolean {
  return addressProblem(value, options) === undefined;
}

/** The key one mailbox is known by everywhere (suppressions, duplicates, ledger, tokens). */
export function canonicalAddress(value: string): string {
  const address = value.trim();
  // All ASCII (nearly every list): IDNA leaves an ASCII host name as it is, bar its case.
  if (!NON_ASCII.test(address)) return address.toLowerCase();
  const { local, domain } = splitAddress(address);
  return `${local.normalize('NFC').toLowerCase()}@${asciiDomain(domain) ?? domain.toLowerCase()}`;
}

/**
 * The address as written, its local part in NFC (RFC 6532 asks for it) and its domain in ASCII
 * (punycode): what RCPT TO and the To header carry. NFC as in `canonicalAddress`: a local part
 * spelt with a compatibility sign (the Kelvin sign for "K") is the mailbox its key names, so the
 * reader mailed is the reader recorded, and a duplicate is one mailbox, never two.
 */
export function envelopeAddress(value: string): string {
  const { local, domain } = splitAddress(value.trim());
  return `${nfc(local)}@${asciiDomain(domain) ?? domain}`;
}

/** A non-ASCII local part can only travel to a server that offers SMTPUTF8 (RFC 6531). */
export function needsSmtpUtf8(value: string): boolean {
  return NON_ASCII.test(nfc(splitAddress(value.trim()).local));
}

function nfc(local: string): string {
  return NON_ASCII.test(local) ? local.normalize('NFC') : local;
}

function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return at < 0 ? { local: address, domain: '' } : { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/** Unicode domains are few: convert each once (IDNA costs ~10 µs). */
const idnaCache = new Map<string, string | undefined>();

/** The domain in lower-case ASCII, or undefined when it is not a host name IDNA can convert. */
function asciiDomain(domain: string): string | undefined {
  // Letters, digits, dots and hyphens without an A-label: IDNA would only lower-case it.
  if (PLAIN_DOMAIN.test(domain) && !A_LABEL.test(domain)) return checkLabels(domain.toLowerCase());
  if (idnaCache.has(domain)) return idnaCache.get(domain);
  const ascii = convertDomain(domain);
  if (idnaCache.size >= 10_000) idnaCache.clear();
  idnaCache.set(domain, ascii);
  return ascii;
}

function convertDomain(domain: string): string | undefined {
  // The URL host parser would percent-decode and cut at `/`, `?` or `#`: only letters, digits,
  // dots and hyphens may be written in ASCII, so the conversion can never change the meaning.
  const asciiPart = domain.replace(/[^\x00-\x7f]/g, '');
  if (!DOMAIN_ASCII.test(asciiPart)) return undefined;
  return checkLabels(domainToASCII(domain));
}

/** A host name of two or more LDH labels, not an IP address in disguise. */
function checkLabels(ascii: string): string | undefined {
  if (!HOST_NAME.test(ascii)) return undefined;
  // The URL parser reads a numeric last label (decimal or 0x…) as an IPv4 address.
  if (NUMERIC_TLD.test(ascii)) return undefined;
  return ascii;
}

/** The fix for an address of the wrong shape: a copied "Name <address>" names the address to keep. */
function shapeHint(address: string): string {
  const bracketed = /<([^<>\s]+@[^<>\s]+)>/.exec(address)?.[1];
  if (bracketed && SHAPE.test(bracketed)) return `write the address alone, without the name: ${bracketed}`;
  return (address.match(/@/g)?.length ?? 0) > 1
    ? 'write one address per entry, as name@example.com'
    : 'write it as name@example.com';
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function invalid(message: string): AddressProblem {
  return { message, hint: 'write it as name@example.com' };
}
