import type { Language } from '../i18n/index.js';
import { closeIsolates } from '../model/_fields.js';

/** Small text helpers for the reader's view: names, counts, reading time, teasers. Pure. */

/**
 * The name a greeting uses. `firstName` wins; else the given name from `name`: "Baker, Tom" is
 * written family-name first, so the part after the comma; otherwise the first word. Titles and
 * initials ("Dr.", "J.") are not names to greet anyone by.
 */
export function greetingName(reader: {
  firstName?: string | undefined;
  name?: string | undefined;
}): string | undefined {
  const first = reader.firstName?.trim();
  if (first) return closeIsolates(first);
  const name = reader.name?.trim();
  if (!name) return undefined;
  const comma = name.indexOf(',');
  const given = comma >= 0 ? name.slice(comma + 1) : name;
  const words = given.split(/\s+/).filter(Boolean);
  const word = words.find((w) => !/\.$/.test(w) && !w.includes('@'));
  // "Hi NAME,": an isolate the name leaves open would turn the comma and the rest round.
  return word === undefined ? undefined : closeIsolates(word);
}

/** Intl plural category reduced to the two forms the catalogue ships. */
export function pluralForm(language: Language, count: number): 'one' | 'other' {
  // Counts of stories and roles are small whole numbers: their forms are kept, one array a language.
  const small = Number.isInteger(count) && count >= 0 && count < SMALL_COUNTS;
  const known = small ? memo(pluralForms, language, () => [])[count] : undefined;
  if (known) return known;
  const form =
    memo(pluralRules, language, () => new Intl.PluralRules(language)).select(count) === 'one' ? 'one' : 'other';
  if (small) pluralForms.get(language)![count] = form;
  return form;
}

const SMALL_COUNTS = 1000;
const pluralForms = new Map<string, ('one' | 'other')[]>();

// Intl objects cost far more to build than to use, and every variant's view asks for the same few.
const pluralRules = new Map<string, Intl.PluralRules>();
const minuteFormats = new Map<string, Intl.NumberFormat>();

/**
 * A number per object, never reused: keys built from it name the very objects (a summary loaded
 * twice is two objects), where ids or titles could be shared by different ones.
 */
export function identity(object: object): number {
  let id = identities.get(object);
  if (id === undefined) {
    id = ++lastIdentity;
    identities.set(object, id);
  }
  return id;
}

const identities = new WeakMap<object, number>();
let lastIdentity = 0;

/** The cached value for `key`, made once. */
export function memo<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

const WORDS_PER_MINUTE = 230;
/** Chinese and Japanese are written without spaces and read at about 500 characters a minute. */
const CJK_CHARS_PER_MINUTE = 500;
const CJK = /[\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]/gu;

/** Words, for reading time: Chinese and Japanese characters count as the words they take as long to read. */
export function wordCount(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const words = (cjk ? text.replace(CJK, ' ') : text).split(/\s+/).filter(Boolean).length;
  return words + Math.round((cjk * WORDS_PER_MINUTE) / CJK_CHARS_PER_MINUTE);
}

/** Whole minutes, at least one: nobody reads a summary in zero minutes. */
export function readingMinutes(words: number): number {
  return Math.max(1, Math.round(words / WORDS_PER_MINUTE));
}

/** "6 min" / "6 Min." as Intl writes it for the locale. */
export function formatMinutes(locale: string, minutes: number): string {
  return memo(
    minuteFormats,
    locale,
    () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'short' }),
  ).format(minutes);
}

/**
 * About `limit` words, cut after a whole sentence: the first sentence always, then more while the
 * total stays within the limit. A first sentence far over the limit is cut at a word, with "…".
 */
export function cutAtSentence(text: string, limit = 60): string {
  const sentences = text.match(SENTENCES) ?? [text];
  let out = '';
  for (const sentence of sentences) {
    const next = `${out}${sentence}`;
    if (out && wordCount(next) > limit) break;
    out = next;
  }
  out = out.trim();
  if (HAS_CJK.test(out)) return wordCount(out) > limit * 1.5 ? firstCharacters(out, limit) : out;
  const words = out.split(/\s+/);
  if (words.length > limit * 1.5) return firstWords(words, limit);
  return out;
}

/**
 * Sentences, each with its end and the closing marks and spaces after it: Latin ends, and the
 * full-width ones Chinese and Japanese write (。！？), which no space follows.
 */
const SENTENCES = /[^.!?。！？]+[.!?。！？]+["'”’)」』）]*\s*|[^.!?。！？]+$/g;
const HAS_CJK = new RegExp(CJK.source, 'u');
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The start of Chinese or Japanese `text` that reads in at most `limit` words, with "…": written
 * without spaces, it is cut between characters, never through one, nor after a pause mark.
 */
function firstCharacters(text: string, limit: number): string {
  const chars = [...GRAPHEMES.segment(text)].map((g) => g.segment);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (wordCount(chars.slice(0, mid).join('')) <= limit) low = mid;
    else high = mid - 1;
  }
  return `${chars
    .slice(0, Math.max(low, 1))
    .join('')
    .trimEnd()
    .replace(/[、，,;:；：]$/, '')}…`;
}

/** The first `limit` of `words`, without a trailing comma, colon or semicolon, and "…". */
function firstWords(words: readonly string[], limit: number): string {
  return `${words
    .slice(0, limit)
    .join(' ')
    .replace(/[,;:]$/, '')}…`;
}

/**
 * A compact card's paragraphs: whole paragraphs while they fit in about `limit` words, then the
 * next one cut after a whole sentence if its first sentence fits. Paragraphs stay apart: joined,
 * a paragraph without a full stop (a label, a list) would run into the next one's sentence. A card
 * that would show less than a third of `limit` (a short lead-in such as "What changed:") shows the
 * next paragraph too, cut where it must be.
 */
export function compactParagraphs(paragraphs: readonly string[], limit = 60): string[] {
  const out: string[] = [];
  let used = 0;
  for (const paragraph of paragraphs) {
    const left = limit - used;
    const words = wordCount(paragraph);
    if (words <= left) {
      out.push(paragraph);
      used += words;
      continue;
    }
    // The first paragraph is always shown, cut; a later one if a whole sentence of it fits, or
    // if what is shown so far is too little to tell the story.
    const cut = cutAtSentence(paragraph, Math.max(left, 1));
    const fits = left > 0 && wordCount(cut) <= left && !cut.endsWith('…');
    if (out.length === 0 || fits) out.push(cut);
    else if (used < limit / 3) out.push(cutAtWords(cut, left));
    break;
  }
  return out;
}

/**
 * A compact card's paragraphs, and whether they leave some of the summary out: then the last one
 * ends in "…" (after a no-break space, so a wrapped line never starts with it), and the reader can
 * tell there is more.
 */
export function compactSummary(paragraphs: readonly string[], limit = 60): { shown: string[]; cut: boolean } {
  const shown = compactParagraphs(paragraphs, limit);
  const cut = shown.length < paragraphs.length || shown.some((p, i) => p !== paragraphs[i]);
  const last = shown.length - 1;
  if (cut && last >= 0 && !shown[last]!.endsWith('…')) shown[last] = `${shown[last]}\u00a0…`;
  return { shown, cut };
}

/** `text` cut to at most `limit` words, with "…" when cut. */
function cutAtWords(text: string, limit: number): string {
  const bare = text.replace(/…$/, '').trim();
  if (HAS_CJK.test(bare)) return wordCount(bare) <= limit ? text : firstCharacters(bare, limit);
  const words = bare.split(/\s+/);
  return words.length <= limit ? text : firstWords(words, limit);
}

/** The first sentence of a text, for one-line teasers. */
export function firstSentence(text: string): string {
  // Chinese and Japanese end a sentence with a full-width mark and no space after it.
  const match = /^[\s\S]*?(?:[.!?](?=\s|$)|[。！？](?![」』）]))/.exec(text.trim());
  return (match?.[0] ?? text).trim();
}

/** Whether an article link opens a new email rather than a page: its label must not promise reading. */
export function isMailLink(url: string | undefined): boolean {
  return url !== undefined && /^mailto:/i.test(url);
}

/** "example.com" for a link, without "www."; undefined when it does not parse. */
export function domainOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const host = new URL(url).hostname;
    return host.replace(/^www\./, '') || undefined;
  } catch {
    return undefined;
  }
}

/** Lower-case words of five letters or more, with a plural "s" taken off: what a mention check compares. */
export function keywords(text: string): Set<string> {
  return memo(keywordSets, text, () => findKeywords(text));
}

/** Summaries' keywords are asked for once per variant; a bounded cache keeps them. */
const keywordSets = new Map<string, Set<string>>();

function findKeywords(text: string): Set<string> {
  if (keywordSets.size > 2000) keywordSets.clear();
  const out = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]{5,}/gu) ?? []) {
    out.add(word.length > 5 ? word.replace(/(?:(?<=s|x|ch|sh)es|(?<!s)s)$/, '') : word);
  }
  return out;
}
