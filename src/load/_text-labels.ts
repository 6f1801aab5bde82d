import { isBareUrl, sentenceEndDropped, slackLink } from './_link-forms.js';
import { articleAddressOnly } from './_source-address.js';
/**
 * The labels and small line shapes of the editorial text format ("Best for:", "Link:", "Source:",
 * "Related on …", a bare address, the emoji before a label), read one trimmed line at a time.
 */

/*
 * Lines are matched by hand-written scans and by regular expressions that cannot backtrack
 * (anchored, bounded, no quantifier next to another that matches the same characters), so a
 * line of any length and content costs time linear in its length.
 */
export const BEST_FOR_LABELS = new Set(['best for', 'audience', 'for roles', 'roles']);
/**
 * "Best for CTO, Executive": a "Best for:" line whose colon was left out. Not a sentence ("Best for
 * small teams that run their own servers."): no full stop, question or exclamation mark at its end.
 */
export const BEST_FOR_WITHOUT_COLON = /^best\s+for\s+[^:]{0,199}[^:.!?\s]$/i;
/** "Audience — CTO, Engineering Manager": the label with a dash where its colon goes. */
export const ROLES_AFTER_DASH = /^(?:best\s+for|audience|roles)\s{0,20}[—–]\s{0,20}[^:—–]{0,199}[^:.!?\s—–]$/i;
export const LINK_LABELS = new Set(['link', 'url', 'read more', 'original', 'article']);
const PUBLISHED_BY = /original article published by/i;
/** `Date: 2026-11-20` and `Status: draft`, for summaries kept in the content pool. */
export const POOL_FIELD = /^(date|status)\s*:\s*(\S+)$/i;
/** Looks like a heading: short, capitalised, no sentence punctuation. Bounded, so cheap. */
export const HEADING_LIKE = /^[A-Z][A-Za-z&/' -]{1,38}:?$/;
/** Labels ("Best for", "Link") are short; a colon further in is part of the text. */
const MAX_LABEL = 64;
// Also the round and square bullets Google Docs and Apple Notes paste (●, ○, ■), and the Symbol-font
// bullet Word pastes as a private-use character (U+F0B7, and U+F0A7 for its square one).
export const BULLET_MARKS = '-*+•–—·▪◦‣●○■\uf0b7\uf0a7';

export const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);
export const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
export const isAsciiLetter = (ch: string | undefined) =>
  ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));

/**
 * `label: rest` with a short label, compared lower-case with white space collapsed; an emoji an
 * editor puts before it ("🎯 Best for:", "🔗 Link:") is not part of it, as before a heading.
 */
export function labelled(line: string): { label: string; rest: string } | undefined {
  const trimmed = withoutLeadingSymbols(line);
  const colon = colonIn(trimmed.slice(0, MAX_LABEL + 1));
  if (colon < 0) return undefined;
  const label = trimmed.slice(0, colon).replace(INVISIBLE, '').trim().toLowerCase().replace(/\s+/g, ' ');
  const rest = trimmed.slice(colon + 1).trim();
  // "Roles：团队中的角色比头衔更重要，她说。" is a sentence in CJK prose, not a label and its value.
  if (trimmed[colon] === '：' && /[。．！？.!?]$/.test(rest)) return undefined;
  return { label, rest };
}

/**
 * A full-width label that may follow a CJK sentence as its own line: Best for and Topics only. A
 * "Source：" or "Date：" there has always been more of the paragraph (and may repeat a field).
 */
export function wideLabelEndsProse(trimmed: string): boolean {
  const label = labelled(trimmed)?.label;
  return label === 'best for' || label === 'topics';
}

/** Whether the label colon of `trimmed` is the full-width one ("Topics：…"). */
export function opensWithWideLabel(trimmed: string): boolean {
  const colon = colonIn(trimmed.slice(0, MAX_LABEL + 1));
  return colon >= 0 && trimmed[colon] === '：';
}

/** Where the first colon is: ASCII, or the full-width one Chinese and Japanese input methods type. */
function colonIn(text: string): number {
  const ascii = text.indexOf(':');
  const wide = text.indexOf('：');
  return wide >= 0 && (ascii < 0 || wide < ascii) ? wide : ascii;
}

/** The roles after `Best for:` (possibly empty), or undefined when the line is not one. */
export function bestForOf(trimmed: string): string | undefined {
  const found = labelled(trimmed);
  return found && BEST_FOR_LABELS.has(found.label) ? found.rest : undefined;
}

export function linkOf(trimmed: string): string | undefined {
  const found = labelled(trimmed);
  if (!found || !LINK_LABELS.has(found.label) || found.rest === '') return undefined;
  const link = unwrappedLink(found.rest);
  return /\s/.test(link) ? undefined : link;
}

/**
 * A "Link:" line whose address holds a space ("https://example.com/my article"): the address. Only
 * the `Link` label, and only a short bare tail: words after an address are usually prose ("Read
 * more: https://… in the March issue.", "URL: https://… (mirror)"), which stays text.
 */
export function spacedLinkOf(trimmed: string): string | undefined {
  const found = labelled(trimmed);
  if (found?.label !== 'link') return undefined;
  const tail = /^(?:https?:|mailto:)\S*\s+(.*)$/i.exec(found.rest)?.[1];
  if (tail === undefined || /[.!?,;:()—–]/.test(tail) || tail.split(/\s+/).length > 3) return undefined;
  return found.rest;
}

/**
 * Why a "Link:" line left outside the sections was not read as the article's link ("Link:
 * java<TAB>script:…", "Link: see the site"): said in place of "text outside any section".
 */
export function unreadLinkLine(trimmed: string): { message: string; hint: string } | undefined {
  const found = labelled(trimmed);
  if (found?.label !== 'link' || found.rest === '') return undefined;
  const shown = found.rest.slice(0, 60).replaceAll('\t', '→');
  const why = found.rest.includes('\t')
    ? 'holds a tab (shown →)'
    : /\s/.test(found.rest)
      ? 'holds a space'
      : 'is not an http(s):// or mailto: address';
  return {
    message: `the Link line was not read as the article's link: "${shown}" ${why}`,
    hint: 'write the address alone after "Link:", as https://example.com/article, a space inside it as %20',
  };
}

/**
 * `<https://…>` and `[text](https://…)`, as mail clients and Markdown write a link, `<https://…|text>`
 * as Slack does, and `“https://…”`, as a word processor's smart quotes wrap one: its address.
 */
function unwrappedLink(written: string): string {
  // "<https://…>." or "(https://…)," ending a sentence: the mark after the wrapping is the sentence's.
  const text = written.replace(/([>)\]])[.,;:!?]+$/, '$1');
  // Slack writes a link with its text as <https://…|text>: the address is before the bar.
  const slack = slackLink(text);
  if (slack && slack.text.length <= 500 && /^(?:https?|mailto):[^<>|\s]{1,2000}$/i.test(slack.url)) return slack.url;
  const found =
    /^<([^<>\s]{1,2000})>$|^\(<?((?:https?|mailto):[^<>\s]{1,2000})>?\)$|^\[[^\]]{0,500}\]\(<?([^<>\s]{1,2000}?)>?(?:[ \t]{1,20}(?:"[^"\n]{0,500}"|'[^'\n]{0,500}'))?\)$|^[“"]((?:https?|mailto):[^\s“”"]{1,2000})[”"]$/i.exec(
      text,
    );
  return sentenceEndDropped(found ? (found[1] ?? found[2] ?? found[3] ?? found[4]!) : written).url;
}

export function sourceLineOf(trimmed: string): string | undefined {
  const found = labelled(trimmed);
  return found?.label === 'source' && found.rest !== '' ? found.rest : undefined;
}

/** The source named after "Original article published by", without a closing full stop. */
export function publishedByOf(trimmed: string): string | undefined {
  const found = PUBLISHED_BY.exec(trimmed);
  if (!found) return undefined;
  const after = trimmed.slice(found.index + found[0].length);
  if (!isSpace(after[0])) return undefined;
  let name = after.trim();
  // The sentence's full stop goes; an abbreviation's stays ("Policy Quarterly Inc..").
  for (let dots = 0; dots < 2 && name.endsWith('.') && (dots === 0 || !ABBREVIATION.test(name)); dots++)
    name = name.slice(0, -1).trimEnd();
  return name === '' ? undefined : name;
}

/**
 * Whether `trimmed` is a link line right under another link label line ("Link: the post", a
 * Markdown link with several words kept as text): that line ends there, not mid-sentence.
 */
export function followsLinkLabel(previous: string, trimmed: string): boolean {
  const label = labelled(previous)?.label;
  return label !== undefined && LINK_LABELS.has(label) && linkOf(trimmed) !== undefined;
}

/** The address a link label line gives: "Link: https://…", "URL: <https://…>". */
export function linkLineAddress(trimmed: string): string | undefined {
  return linkOf(trimmed);
}

/** Whether a line gives the article's link: a link label with an address, a bare address, "Source: https://…". */
export function givesLink(trimmed: string): boolean {
  const source = sourceLineOf(trimmed);
  return (
    linkOf(trimmed) !== undefined ||
    isBareUrl(trimmed) ||
    (source !== undefined && articleAddressOnly(source) !== undefined)
  );
}

export { isBareUrl } from './_link-forms.js';

/** Company and name abbreviations a source ends with, their dot part of the name. */
export const ABBREVIATION = /\b(?:Inc|Ltd|Co|Corp|LLC|PLC|Bros|Jr|Sr|Assn|Dept|Univ)\.$/;

export function isRelatedLine(trimmed: string): boolean {
  if (trimmed.slice(0, 7).toLowerCase() !== 'related' || !isSpace(trimmed[7])) return false;
  let i = 7;
  while (isSpace(trimmed[i])) i++;
  return trimmed.slice(i, i + 2).toLowerCase() === 'on' && !/\w/.test(trimmed[i + 2] ?? '');
}

/** Emoji and other symbols an editor puts before a heading ("🔑 Key takeaway"). */
const SYMBOL = /^[\p{Extended_Pictographic}\p{So}]$/u;
/** What joins and styles emoji: zero-width joiner, variation selector, keycap. */
const EMOJI_GLUE = new Set(['\u200d', '\ufe0f', '\u20e3']);

/** `line` without the symbols (and spaces) it starts with: a scan, one code point at a time. */
export function withoutLeadingSymbols(line: string): string {
  let i = 0;
  for (const char of line) {
    if (!SYMBOL.test(char) && !EMOJI_GLUE.has(char) && !isSpace(char)) break;
    i += char.length;
  }
  return i === 0 ? line : line.slice(i);
}

/** Zero-width spaces and joiners, word joiners, byte order marks and soft hyphens pasted from the web. */
export const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;

/** A line that is only a link to a web page as Slack copies one, `<https://…|text>`: its address. */
export function slackLinkLineOf(trimmed: string): string | undefined {
  const slack = slackLink(trimmed);
  return slack && slack.text.length <= 500 && /^https?:\/\/[^<>|\s]{1,2000}$/i.test(slack.url) ? slack.url : undefined;
}
