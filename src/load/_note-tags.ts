/**
 * A note app's tag line in a Markdown body, as Bear writes one (`#engineering #infra/caching`): the
 * note's topics, not text. Read as text, readers saw the hashes as the summary's first line.
 */
import type { Problem } from '../errors.js';
import { isSectionHeading } from './_text-headings.js';

const TAG = /^#[\p{L}_][\p{L}\p{N}_/-]{0,60}$/u;

/** The tags a line holds when it holds nothing else, without their `#`s. */
export function noteTagsOf(line: string): string[] | undefined {
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
  if (raw.topics === undefined) {
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
