import type { Variant } from '../group/index.js';
import type { Summary } from '../model/summary.js';
import { type Cache, createCache } from './_cache.js';
import { identity, keywords } from './_text.js';

/**
 * Which of the stories a text names that a variant does not hold: a subject or preheader
 * written for the whole issue can promise a reader a story their copy lacks.
 */

export function variantSummaries(variant: Variant): Summary[] {
  const out: Summary[] = [];
  // A variant holds a handful of stories: looking back through them is cheaper than a set.
  let seen: Set<string> | undefined;
  // Index loops: this runs for every variant, mostly before the engine has optimised it.
  const sections = variant.sections;
  for (let i = 0; i < sections.length; i++) {
    const summaries = sections[i]!.summaries;
    for (let j = 0; j < summaries.length; j++) {
      const summary = summaries[j]!;
      if (out.length > 16) {
        seen ??= new Set(out.map((s) => s.id));
        if (seen.has(summary.id)) continue;
        seen.add(summary.id);
      } else if (holds(out, summary.id)) continue;
      out.push(summary);
    }
  }
  return out;
}

/**
 * Which stories a variant holds, as a key: the bits of their places in the list when all
 * of them are in it and it is short, else their identities, sorted (a number never equals a string).
 */
function storiesKey(present: readonly Summary[], all: readonly Summary[]): number | string {
  let places = placesIn.get(all);
  if (!places) {
    places = new Map(all.length <= 30 ? all.map((summary, place) => [summary, place]) : []);
    placesIn.set(all, places);
  }
  let bits = 0;
  for (let i = 0; i < present.length; i++) {
    const place = places.get(present[i]!);
    if (place === undefined) {
      return present
        .map(identity)
        .sort((a, b) => a - b)
        .join(',');
    }
    bits |= 1 << place;
  }
  return bits;
}

const placesIn = new WeakMap<readonly Summary[], Map<Summary, number>>();

function holds(stories: readonly Summary[], id: string): boolean {
  for (let i = 0; i < stories.length; i++) if (stories[i]!.id === id) return true;
  return false;
}

/** Summaries of the issue that `text` names although the variant does not contain them. */
export function absentMentions(text: string, variant: Variant, all: readonly Summary[]): Summary[] {
  return absentAmong(text, variantSummaries(variant), all);
}

/**
 * `absentMentions` for the variant's stories (see `variantSummaries`). The answer depends only on
 * the text and which stories the variant holds, and many role sets hold the same stories: it is
 * kept by those, the stories named by identity.
 */
export function absentAmong(text: string, present: readonly Summary[], all: readonly Summary[]): Summary[] {
  const { named, absent } = namedIn(text, all);
  if (named.length === 0) return [];
  const key = storiesKey(present, all);
  const found = absent.getOrSet(key, () => {
    const presentIds = new Set(present.map((s) => s.id));
    const known = (word: string) => present.some((s) => summaryWords(s).all.has(word));
    return named
      .filter(({ summary, words }) => !presentIds.has(summary.id) && words.some((word) => !known(word)))
      .map(({ summary }) => summary);
  });
  return [...found];
}

interface NamedIn {
  named: { summary: Summary; words: string[] }[];
  /** What the text names that a variant lacks, by the variant's stories (see `storiesKey`). */
  absent: Cache<number | string, Summary[]>;
}

/**
 * The summaries `text` names, each with the naming words the text says, in issue order: worked out
 * once per text, so a variant only checks the few candidates against its own stories.
 */
const namedTexts = new WeakMap<readonly Summary[], Cache<string, NamedIn>>();

/**
 * Texts kept per issue: a subject or preheader many variants share is asked for again within a
 * generation and stays, while the preheader a role set builds for itself ("Also: …") is asked once
 * and falls away with its generation, its cache of one entry with it.
 */
const TEXTS_KEPT = 64;

function namedIn(text: string, all: readonly Summary[]): NamedIn {
  let byText = namedTexts.get(all);
  if (!byText) {
    byText = createCache(TEXTS_KEPT);
    namedTexts.set(all, byText);
  }
  return byText.getOrSet(text, () => {
    const said = keywords(text);
    const found: NamedIn = { named: [], absent: createCache(200) };
    for (const summary of all) {
      const words = [...summaryWords(summary).named].filter((word) => said.has(word));
      if (words.length) found.named.push({ summary, words });
    }
    return found;
  });
}

/** A summary's keywords: all of its text, and what names it (title and topics); asked for per variant. */
const wordsOf = new WeakMap<Summary, { all: Set<string>; named: Set<string> }>();

function summaryWords(s: Summary): { all: Set<string>; named: Set<string> } {
  let words = wordsOf.get(s);
  if (!words) {
    words = {
      all: keywords(
        [s.title, s.summary, s.takeaway, s.insights, ...s.topics, ...s.principles, ...s.practice].join(' '),
      ),
      named: keywords([s.title, ...s.topics].join(' ')),
    };
    wordsOf.set(s, words);
  }
  return words;
}
