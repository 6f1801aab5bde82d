import type { ResolvedConfig } from '../config/schema.js';
import type { Problem } from '../errors.js';
import type { Language } from '../i18n/index.js';
import type { FieldName } from './_personal.js';
import { type SizeCounts, sizeCounts, subjectFrames } from './encoded-size.js';
import { altProblems, linkProblems } from './link-gates.js';
import { sizeProblems } from './size-problems.js';

/**
 * The size gate's share of a variant's compile: what the sample reader's message gives the gates,
 * the message frame's size by subject, and the size problem of the largest copy any reader gets.
 */

/** What the gates read of the sample reader's message. */
export interface SampleGates {
  htmlBytes: number;
  /** How many times the HTML prints each reader's field, when its pieces counted them (see piece-gates.ts). */
  uses?: Partial<Record<FieldName, number>>;
  textBytes: number;
  counts: SizeCounts;
  links: Problem[];
  alt: Problem[];
}

/** The gates of a message compiled whole (not assembled from pieces). */
export function sampleFromWhole(
  sample: { html: string; text: string },
  where: { file: string; variantId: string },
): SampleGates {
  return {
    htmlBytes: Buffer.byteLength(sample.html),
    textBytes: Buffer.byteLength(sample.text),
    counts: sizeCounts(sample.html),
    links: linkProblems(sample.html, where),
    alt: altProblems(sample.html, where),
  };
}

/** The message frame's size: it depends only on the subject and which parts there are. */
export function frameSizes(): (subject: string, html: boolean, text: boolean) => Promise<number> {
  const frames = new Map<string, Promise<(subject: string) => number>>();
  return async (subject, html, text) => {
    const key = `${html ? 'h' : '-'}${text ? 't' : '-'}`;
    let found = frames.get(key);
    if (!found) {
      found = subjectFrames({ html, text });
      frames.set(key, found);
    }
    return (await found)(subject);
  };
}

/** One language's copy of a variant, as the size gate weighs it. */
export interface CopySize {
  language: Language;
  /** Whether the bound says the copy, with `roomBytes`, may reach a threshold. */
  mayReach: boolean;
  /** The sample reader's HTML as encoded: counted only when the bound cannot clear the copy. */
  htmlBytes: () => number;
  /** The room counted for the longest reader's own values (see personal-room.ts). */
  roomBytes: number;
}

/** The size problem of the largest copy any reader gets, naming its language when not the list's own. */
export function largestCopyProblems(
  copies: readonly CopySize[],
  config: Pick<ResolvedConfig, 'sizeLimitKb' | 'sizeWarnKb'>,
  where: { file: string; variantId: string },
  listLanguage: Language,
): Problem[] {
  let largest: { bytes: number; room: number; language: Language } | undefined;
  for (const copy of copies) {
    if (!copy.mayReach) continue;
    const bytes = copy.htmlBytes() + copy.roomBytes;
    if (!largest || bytes > largest.bytes) largest = { bytes, room: copy.roomBytes, language: copy.language };
  }
  if (!largest) return [];
  const language = largest.language === listLanguage ? undefined : largest.language;
  return sizeProblems(largest.bytes, config, where, largest.room, language);
}
