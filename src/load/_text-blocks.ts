import { closestWord } from '../suggest.js';
import { bulletOf } from './_text-bullets.js';
import { headingOf, SECTIONS, type SectionKind } from './_text-headings.js';
import { bestForOf } from './_text-labels.js';

/**
 * "The fix was simple:" after a blank line in a paragraph section leads into the sentence or list
 * under it: ending in a colon, only a known heading or a near miss of one is a heading, so the
 * reader keeps what follows. A note for the editors ("Editor notes:", "Sources:", "TODO:") is
 * left out with what it heads, as any unknown heading, and so is such a line in a list section,
 * where it would become an item.
 */
export function leadsIntoText(trimmed: string, kind: SectionKind | undefined): boolean {
  return (
    kind === 'paragraph' &&
    trimmed.endsWith(':') &&
    !EDITORS_NOTE.test(trimmed) &&
    closestWord(trimmed.slice(0, -1), SECTIONS.keys()) === undefined
  );
}

export const EDITORS_NOTE =
  /^(?:(?:editor|editors|editor['’]s|editorial|internal|private|personal|draft|review|reviewer['’]?s?|my|our)\s+)?(?:notes?|comments?|todos?|to-?do|to do|sources?|references?|further reading|reading|links?|related|reminders?|questions?|internal|private|draft|do not (?:publish|send))\s*:$/i;

/**
 * A short capitalised line is an (unknown) heading only where a heading can stand: after a blank
 * line, a bullet or a finished sentence, and not right under a known heading (there it is content).
 * `nextText[i]` is the first non-blank line at or after line i.
 */
export function previousEndsBlock(lines: string[], index: number, nextText: (string | undefined)[]): boolean {
  const previous = lines[index - 1]?.trim() ?? '';
  if (previous === '') return true;
  if (headingOf(previous)) return false;
  if (bestForOf(previous) !== undefined) return true;
  if (bulletOf(previous) === undefined && !'.!?:"\')]'.includes(previous[previous.length - 1]!)) return false;
  // A hard-wrapped sentence goes on in lower case on the next line; a heading's content does not.
  const next = nextText[index + 1];
  return next === undefined || !/^[a-z]/.test(next);
}
