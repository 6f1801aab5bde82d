import type { Problem } from '../errors.js';
import type { Variant } from '../group/index.js';
import type { Summary } from '../model/summary.js';
import { contrast } from './_colour.js';
import { variantProblem, type Where, warning } from './_variant-problem.js';
import { absentAmong, variantSummaries } from './mentions.js';
import { contrastPairs } from './palette.js';
import type { DigestView } from './view.js';
import { columns } from './wrap.js';

/**
 * Gates on what a reader sees: every card has a link, the subject and preheader speak only of
 * this variant's stories, and every colour pair reads in both colour schemes.
 */
export function viewProblems(view: DigestView, variant: Variant, all: readonly Summary[], where: Where): Problem[] {
  const problems: Problem[] = [];
  for (let i = 0; i < view.sections.length; i++) {
    const cards = view.sections[i]!.cards;
    for (let j = 0; j < cards.length; j++) {
      const card = cards[j]!;
      if (card.href) continue;
      problems.push(
        warning(
          where,
          `card "${card.id}" has no link (no article URL and no archive page)`,
          'give the summary the article\'s address (a "Link:" line in a .txt, "url" in a .json or a .md\'s frontmatter), or set urls.archive so it links to its archive page',
        ),
      );
    }
  }
  if (view.subject.trim() === '') {
    // An empty Subject reads as spam to filters and as nothing in the inbox.
    problems.push(
      variantProblem(
        'error',
        where,
        'the subject is empty: the subject template in issue.json writes nothing for this variant',
        'give the subject text outside its {{#if}} blocks, or leave "subject" out for the default',
      ),
    );
  }
  const width = displayColumns(view.subject);
  if (width > SUBJECT_COLUMNS) {
    const chars = [...view.subject];
    problems.push(
      warning(
        where,
        `the subject is ${width} columns wide ("${chars.slice(0, 30).join('')}…"): inboxes show about the first 60 on a computer and 35 on a phone, so "…${chars.slice(-20).join('')}" is never seen`,
        'shorten the lead story\'s title, or give the issue a shorter "subject" in issue.json',
      ),
    );
  }
  let stories: Summary[] | undefined;
  for (const what of ['subject', 'preheader'] as const) {
    const text = what === 'subject' ? view.subject : view.issue.preheader;
    if (!text) continue;
    stories ??= variantSummaries(variant);
    for (const absent of absentAmong(text, stories, all)) {
      const [message, hint] = absentWords(what, absent);
      problems.push(warning(where, message, hint));
    }
  }
  for (const { pair, ratio } of lowContrast(view.colours)) {
    problems.push(
      warning(
        where,
        `${pair.name} has contrast ${ratio.toFixed(2)}:1 (${pair.fg} on ${pair.bg}), below WCAG AA 4.5:1`,
        'pick brand colours with more contrast (brand.primaryColor, accentColor, backgroundColor)',
      ),
    );
  }
  return problems;
}

/** Past this, a subject's end is cut in every inbox (wide characters count two). */
const SUBJECT_COLUMNS = 80;
/** East Asian wide and full-width characters: two columns in an inbox's list. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/gu;

/** A subject's width as an inbox lays it out: code points, wide ones counted twice. */
export function displayColumns(text: string): number {
  return columns(text) + (text.match(WIDE)?.length ?? 0);
}

/** A warning's words for a story the subject or preheader names: the same for every variant that lacks it. */
function absentWords(what: 'subject' | 'preheader', absent: Summary): readonly [string, string] {
  let words = absentWordsOf.get(absent);
  if (!words || words.title !== absent.title) {
    words = { title: absent.title };
    absentWordsOf.set(absent, words);
  }
  words[what] ??= [
    `the ${what} names "${absent.title}", which this variant does not contain`,
    `give this variant or its roles its own ${what} under "overrides" in issue.json, or use {{lead}}`,
  ];
  return words[what];
}

const absentWordsOf = new WeakMap<
  Summary,
  { title: string; subject?: readonly [string, string]; preheader?: readonly [string, string] }
>();

/** Colour pairs below WCAG AA, worked out once per palette: every view of a list shares one frozen palette. */
type LowContrast = { pair: ReturnType<typeof contrastPairs>[number]; ratio: number }[];
const lowContrastOf = new WeakMap<object, LowContrast>();

function lowContrast(colours: Record<string, string>): LowContrast {
  // Only a frozen palette can be kept by identity: one that may change is worked out each time.
  const frozen = Object.isFrozen(colours);
  let found = frozen ? lowContrastOf.get(colours) : undefined;
  if (!found) {
    found = [];
    for (const pair of contrastPairs(colours)) {
      const ratio = contrast(pair.fg, pair.bg);
      if (ratio < 4.5) found.push({ pair, ratio });
    }
    if (frozen) lowContrastOf.set(colours, found);
  }
  return found;
}
