import { isBareUrl, sentenceEndDropped, slackLink } from './_link-forms.js';

/**
 * A source written with its address, as editors paste it: "Example Weekly (https://…)",
 * "Example Weekly <https://…>", "[Example Weekly](https://…)", "Example Weekly - https://…".
 * Readers see the source as a name; the address is the article's link when none is given.
 */
export interface AddressedSource {
  name: string;
  url: string;
  /** What ended the sentence after the address (see `sentenceEndDropped`), left out of `url`. */
  dropped: string;
}

const ADDRESS = String.raw`https?:\/\/[^\s<>]{1,2000}`;
const FORMS = [
  new RegExp(String.raw`^\[([^\[\]]{1,300})\]\(\s*<?(${ADDRESS}?)>?\s*\)\.?$`, 'i'),
  new RegExp(String.raw`^(.{1,300}?)\s*\(\s*<?(${ADDRESS}?)>?\s*\)\.?$`, 'i'),
  new RegExp(String.raw`^(.{1,300}?)\s*<(${ADDRESS})>\.?$`, 'i'),
  new RegExp(String.raw`^(.{1,300}?)(?:\s*[—–|:,]\s*|\s+-\s+|\s+)(${ADDRESS}?)\.?$`, 'i'),
];

/** Slack's copy of a link, `<https://…|Example Weekly>`: the address, then the text readers saw. */
const SLACK = new RegExp(String.raw`^<(${ADDRESS}?)\|([^<>|]{1,300})>\.?$`, 'i');

export function addressedSource(source: unknown): AddressedSource | undefined {
  if (typeof source !== 'string' || !/https?:\/\//i.test(source)) return undefined;
  const slack = SLACK.exec(source.trim());
  if (slack) {
    const name = slack[2]!.trim();
    return /\p{L}/u.test(name) && !/https?:\/\//i.test(name) ? { name, url: slack[1]!, dropped: '' } : undefined;
  }
  for (const form of FORMS) {
    const found = form.exec(source.trim());
    if (!found) continue;
    const name = found[1]!.trim().replace(/[\s—–|:,-]+$/, '');
    // A name has letters and no address of its own: "https://a (https://b)" is not one. A bracket
    // opened before the address and closed after it ("Example Weekly (print, https://…)") is a note
    // holding the address: split there, the name and the link would each keep half of it.
    if (!/\p{L}/u.test(name) || /https?:\/\//i.test(name)) return undefined;
    const { url, dropped } = sentenceEndDropped(found[2]!);
    if (!balanced(name) || !balanced(url)) return undefined;
    return { name, url, dropped };
  }
  return undefined;
}

function balanced(text: string): boolean {
  const count = (pattern: RegExp) => text.match(pattern)?.length ?? 0;
  return count(/\(/g) === count(/\)/g) && count(/\[/g) === count(/\]/g);
}

/** The same address written with or without its closing slash, host in any case. */
export function sameAddress(a: string, b: string): boolean {
  const key = (url: string) => {
    const trimmed = url.trim().replace(/\/+$/, '');
    const host = /^https?:\/\/[^/?#]+/i.exec(trimmed)?.[0] ?? '';
    return host.toLowerCase() + trimmed.slice(host.length);
  };
  return key(a) === key(b);
}

const ADDRESS_ONLY = /^https?:\/\/[^\s<>|]{1,2000}$/i;

/**
 * A source that is only an address, bare or wrapped as mail clients, Slack and Markdown write a
 * link (`<https://…>`, `<https://…|https://…>`, `[https://…](https://…)`): that address. Readers
 * would otherwise see the marks as the source's name, and the article go unlinked.
 */
export function addressOnly(source: string): string | undefined {
  return addressOnlyDropped(source)?.url;
}

/** `addressOnly`, with what ended the sentence after the address (see `sentenceEndDropped`). */
export function addressOnlyDropped(source: string): { url: string; dropped: string } | undefined {
  const text = source.trim();
  const whole = wrappedAddress(text);
  if (whole !== undefined) return sentenceEndDropped(whole);
  // "<https://…>." ending a sentence: the mark after the wrapping is the sentence's.
  const unpunctuated = text.replace(/([>)\]])[.,;:!?]+$/, '$1');
  const wrapped = unpunctuated === text ? undefined : wrappedAddress(unpunctuated);
  if (wrapped === undefined) return undefined;
  const { url, dropped } = sentenceEndDropped(wrapped);
  return { url, dropped: dropped + text.slice(unpunctuated.length) };
}

function wrappedAddress(text: string): string | undefined {
  if (isBareUrl(text) && !/^<|>$/.test(text)) return text;
  const slack = slackLink(text);
  if (slack) {
    // Slack's <https://…|https://…>: the text readers saw is an address too, the same one.
    const shown = slack.text.trim();
    return ADDRESS_ONLY.test(slack.url) && ADDRESS_ONLY.test(shown) && sameAddress(slack.url, shown)
      ? shown
      : undefined;
  }
  const wrapped =
    /^<(https?:\/\/[^\s<>|]{1,2000})>$/i.exec(text) ??
    /^\[\s*(https?:\/\/[^\s[\]]{1,2000})\s*\]\(\s*<?(https?:\/\/[^\s<>()]{1,2000})>?\s*\)$/i.exec(text);
  if (!wrapped) return undefined;
  // A text naming another address than the link's is not one address: which was meant cannot be told.
  if (wrapped[2] !== undefined && !sameAddress(wrapped[1]!, wrapped[2])) return undefined;
  return wrapped[2] ?? wrapped[1];
}

/** An address with no path, query or fragment: a site's front page, never the article's link. */
export function isHomePage(url: string): boolean {
  return /^https?:\/\/[^/?#\s]+\/?$/i.test(url.trim());
}

/** The article's address a source gives on its own (see `addressOnly`): not a site's front page. */
export function articleAddressOnly(source: string): string | undefined {
  const address = addressOnly(source);
  return address === undefined || isHomePage(address) ? undefined : address;
}

/**
 * A source that keeps an address of another site than the article's link ("Example Weekly
 * (https://other.example/)" beside "Link: https://news.example/a"): the card links its source to the
 * article, so readers would see one address and be taken to another, as a phishing mail does.
 */
export function otherSiteSource(sourceUrl: string, link: unknown, line: number | undefined) {
  if (typeof link !== 'string' || siteOf(sourceUrl) === siteOf(link)) return;
  return {
    severity: 'warning' as const,
    line: line ?? 1,
    field: 'source',
    message: `shows the address ${sourceUrl}, on another site than the article's link (${link}), which the source links to: readers would see one address and be taken to another`,
    hint: 'write the source as its name alone, or give the article that address as its link',
  };
}

function siteOf(url: string): string | undefined {
  try {
    return new URL(url).host.replace(/^www\./, '');
  } catch {
    return undefined;
  }
}
