/**
 * A note app's tag line in a Markdown body, as Bear writes one (`#engineering #infra/caching`): the
 * note's topics, not text. Read as text, readers saw the hashes as the summary's first line.
 */
import type { Problem } from '../errors.js';
import { isSectionHeading } from './_text-headings.js';

const TAG = /^#[\p{L}_][\p{L}\p{N}_/-]{0,60}$/u;

/** The end of a line a sentence goes on from: a word, a comma, a colon, a dash. */
const RUNS_ON = /[\p{L}\p{N},:;–—-]$/u;
/** A line ending with an address ("Link: https://…"): a field, not a sentence going on. */
const ENDS_ADDRESS = /:\/\/\S+\s*$/;

/** A line of a paragraph's text: not blank, a list item, a quote, a heading, a rule or a line of tags itself. */
function isProse(line: string | undefined): line is string {
  const trimmed = (line ?? '').trim();
  return (
    trimmed !== '' &&
    !/^(?:[-*+•>]|\d{1,3}[.)]|o\s)/u.test(trimmed) &&
    !/^#{1,6}(?:\s|$)/.test(trimmed) &&
    !/^(?:-{3,}|\*{3,}|_{3,})$/.test(trimmed) &&
    !trimmed.split(/\s+/).every((word) => TAG.test(word))
  );
}

/**
 * The tags a line holds when it holds nothing else, without their `#`s; undefined when it is text,
 * as it is inside a sentence ("…trended under two slogans:" / "#StopTheSpam #NoMoreAlerts" / "and
 * …"): the line above runs on past its end, or the line below goes on in lower case.
 */
export function noteTagsOf(line: string, above?: string, below?: string): string[] | undefined {
  if (isProse(above) && RUNS_ON.test(above.trim()) && !ENDS_ADDRESS.test(above) && !isSectionHeading(above.trim()))
    return undefined;
  if (isProse(below) && /^\p{Ll}/u.test(below.trim())) return undefined;
  const words = line.trim().split(/\s+/);
  if (words.length > 20 || !words.every((word) => TAG.test(word))) return undefined;
  // "#Summary" is a heading written without its space, read as it always was.
  if (words.length === 1 && isSectionHeading(words[0]!.slice(1))) return undefined;
  return words.map((word) => word.slice(1));
}

/** The tags as the summary's topics when it gives none; beside topics, a warning naming the line. */
export function tagsAsTopics(
  tags: readonly { index: number; names: string[] }[],
  raw: Record<string, unknown>,
  lines: Record<string, number>,
  file: string,
  firstLine: number,
): Problem[] {
  if (tags.length === 0) return [];
  // A Topics heading over the tag line alone ("## Topics" / "#platform #infra") gives them as its topics.
  const none = raw.topics === undefined || raw.topics === '' || (Array.isArray(raw.topics) && raw.topics.length === 0);
  if (none) {
    raw.topics = [...new Set(tags.flatMap((tag) => tag.names))];
    lines.topics = tags[0]!.index + firstLine;
    return [];
  }
  return tags.map(({ index }) => ({
    severity: 'warning' as const,
    file,
    line: index + firstLine,
    field: 'topics',
    message: `these tags are left out: the topics are given on line ${lines.topics ?? 1}`,
    hint: 'keep the topics in one place: delete this line or the Topics section',
  }));
}
