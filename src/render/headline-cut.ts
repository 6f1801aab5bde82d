import type { Problem } from '../errors.js';
import { translator } from '../i18n/index.js';
import { pluralForm } from './_text.js';
import { isOverSizeLimit, isSizeProblem, SIZE_CUT_HINT } from './size-problems.js';
import type { TemplateSet } from './templates.js';
import type { CompiledVariant } from './types.js';
import { type CardView, contentsSummary, type DigestView, type SectionView } from './view.js';
import type { HeadingParts } from './view-types.js';

/**
 * A copy too large for Gmail to show whole (it clips past ~102 KB, footer and unsubscribe link
 * with it) keeps its first cards in full and lists the rest as headlines that open each story,
 * as newsletters do with "more online": the reader keeps every story and the footer. Pure: a
 * new view, the shared card and section objects untouched.
 */

/** One story listed by headline: its title, the anchor the contents lead to, and its link. */
export interface HeadlineItem {
  title: string;
  anchor: string;
  href: string | undefined;
  lang: string | undefined;
  rtl: boolean;
}

/**
 * The stories a cut copy lists by headline, after its full cards: `items` all of them in order,
 * `groups` the same stories under the heading of the section each was cut from ("For Executive"),
 * so a reader of several roles sees which of theirs lost stories.
 */
export interface HeadlinesView {
  heading: string;
  note: string;
  items: HeadlineItem[];
  groups: { heading: string; headingParts: HeadingParts; items: HeadlineItem[] }[];
  online: string | undefined;
  onlineLabel: string;
}

/** How many cards the view shows, in reading order. */
export function cardCount(view: DigestView): number {
  return view.sections.reduce((sum, section) => sum + section.cards.length, 0);
}

/**
 * The view with only its first `full` cards in full and the rest as headlines; the view itself when
 * none is cut. Its counts are of what the copy holds: a band over a section cut short says "2 of 3
 * reads", the contents "20 reads, 9 in full" and the minutes of its full cards (`locale` formats them).
 */
export function cutToHeadlines(view: DigestView, full: number, locale: string): DigestView {
  const total = cardCount(view);
  if (full >= total) return view;
  const t = translator(view.language);
  const groups: HeadlinesView['groups'] = [];
  const sections: SectionView[] = [];
  let left = full;
  let minutes = 0;
  for (const section of view.sections) {
    const kept = section.cards.slice(0, Math.max(left, 0));
    const lost = section.cards.slice(kept.length);
    if (lost.length)
      groups.push({ heading: section.heading, headingParts: section.headingParts, items: lost.map(headlineItem) });
    left -= kept.length;
    for (const card of kept) minutes += card.minutes;
    const count = section.cards.length;
    if (kept.length === count) sections.push(section);
    else if (kept.length)
      sections.push({
        ...section,
        cards: kept,
        count: t(`email.readsOf.${pluralForm(view.language, count)}`, { shown: kept.length, count }),
      });
  }
  const items = groups.flatMap((group) => group.items);
  const headlines: HeadlinesView = {
    heading: t(`email.headlines.${pluralForm(view.language, items.length)}`, { count: items.length }),
    note: t('email.headlinesNote'),
    items,
    groups,
    online: view.viewOnline,
    onlineLabel: t('email.headlinesOnline'),
  };
  const summary = contentsSummary(view.language, locale, total, minutes, full);
  return { ...view, sections, headlines, contents: { ...view.contents, summary } };
}

/** Each headline holds its card's anchor, so the contents' entry still leads to the story. */
function headlineItem(card: CardView): HeadlineItem {
  return { title: card.title, anchor: card.anchor, href: card.href, lang: card.lang, rtl: card.rtl };
}

/** Whether the templates print the headlines: a layout of one's own written before them would drop the stories cut. */
export function templatesListHeadlines(templates: TemplateSet): boolean {
  const reads = (source: string) => /\{\{>\s*headlines\b|\bheadlines\.(items|groups)\b/.test(source);
  return reads(templates.layout.source) && reads(templates.text.source);
}

/** A copy over the limit whose templates print no headlines: its error says how they would keep it whole. */
export function withHeadlinesHint(whole: CompiledVariant): CompiledVariant {
  const hint = (p: Problem) =>
    `${p.hint}, or copy the headlines block ({{> headlines}} and {{#if headlines}}) of the built-in digest.mjml.hbs and digest.txt.hbs into yours, so a copy over the limit lists its last stories by headline`;
  return { ...whole, problems: whole.problems.map((p) => (isOverSizeLimit(p) ? { ...p, hint: hint(p) } : p)) };
}

/**
 * The copy with as many full cards as fit under the clip limit, the rest by headline (found by
 * halving: a few compiles, only for a copy over the limit); its size error becomes a warning that
 * says so. A copy over the limit with every story but the lead by headline keeps its error, which
 * names its roles and its size at its shortest.
 */
export async function fitByHeadlines(
  whole: CompiledVariant,
  cards: number,
  compileWith: (full: number) => Promise<CompiledVariant>,
): Promise<CompiledVariant> {
  const error = whole.problems.find(isOverSizeLimit)!;
  let best: { full: number; compiled: CompiledVariant } | undefined;
  let shortest: CompiledVariant | undefined;
  let low = 1;
  let high = cards - 1;
  while (low <= high) {
    const full = Math.floor((low + high) / 2);
    const compiled = await compileWith(full);
    if (compiled.problems.some(isOverSizeLimit)) {
      if (full === 1) shortest = compiled;
      high = full - 1;
    } else {
      best = { full, compiled };
      low = full + 1;
    }
  }
  const { variant } = whole;
  const whose = variant.isEditorEdition ? 'the editor edition' : `readers of ${variant.roles.join(', ')}`;
  if (!best) {
    const size = shortest ? ` and ${kb(shortest.encodedHtmlBytes)} with only its lead story in full` : '';
    return {
      ...whole,
      problems: whole.problems.map((p) =>
        p === error
          ? {
              ...p,
              message: `${p.message}; the copy for ${whose} is still over the limit${size}`,
              hint: `${p.hint}: this copy holds ${cards} stories`,
            }
          : p,
      ),
    };
  }
  const cut = cards - best.full;
  const warning: Problem = {
    ...error,
    severity: 'warning',
    message: `${error.message}, so the copy for ${whose} shows ${best.full} of its ${cards} stories in full and lists the last ${cut} by headline (${kb(best.compiled.encodedHtmlBytes)})`,
    hint: SIZE_CUT_HINT,
  };
  return { ...best.compiled, fullCards: best.full, problems: [warning, ...cutProblems(whole, best.compiled)] };
}

/**
 * The cut copy's problems with those only its whole copy found: a card cut to a headline still
 * has no link, and the colours the templates write are read in a renderer's first copy only. The
 * whole copy's size problems are left out, as the cut copy's own size stands for them.
 */
function cutProblems(whole: CompiledVariant, cut: CompiledVariant): Problem[] {
  const key = (p: Problem) => JSON.stringify([p.severity, p.file, p.line, p.field, p.message, p.hint]);
  const seen = new Set(cut.problems.map(key));
  const wholeOnly = whole.problems.filter((p) => !isSizeProblem(p) && !seen.has(key(p)));
  return [...cut.problems, ...wholeOnly];
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
