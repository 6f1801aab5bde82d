import type { ResolvedConfig } from '../config/schema.js';
import type { Problem } from '../errors.js';

/** The size gate's problems, and how other stages tell them apart from the rest. */

const SIZE_LIMIT_HINT = 'shorten or drop summaries, or split the issue';

/** A problem `sizeProblems` raised for a message over the clip limit (not the warning below it). */
export function isOverSizeLimit(problem: Problem): boolean {
  return problem.severity === 'error' && problem.hint?.startsWith(SIZE_LIMIT_HINT) === true;
}

/** A problem `sizeProblems` raised: over the clip limit, or over the warning threshold below it. */
export function isSizeProblem(problem: Problem): boolean {
  return (
    isOverSizeLimit(problem) || (problem.severity === 'warning' && problem.hint?.endsWith(SIZE_WARN_HINT) === true)
  );
}

const SIZE_WARN_HINT = ' KB: Gmail clips longer messages';

export const SIZE_CUT_HINT = 'shorten or drop summaries to send every story in full';

/** The warning of a copy over the clip limit that lists its last stories by headline (see headline-cut.ts). */
export function isCutForSize(problem: Problem): boolean {
  return problem.severity === 'warning' && problem.hint === SIZE_CUT_HINT;
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

function languageName(code: string): string {
  return LANGUAGE_NAMES.of(code) ?? code;
}

export function sizeProblems(
  encodedHtmlBytes: number,
  config: Pick<ResolvedConfig, 'sizeLimitKb' | 'sizeWarnKb'>,
  where: { file: string; variantId: string },
  /** Of `encodedHtmlBytes`, the room counted for a reader's own lines at their longest. */
  roomBytes = 0,
  /** The language of the copy measured, when it is not the list's own. */
  language?: string,
): Problem[] {
  const kb = encodedHtmlBytes / 1024;
  const shown = `${kb.toFixed(1)} KB${language ? ` in the copy for readers in ${languageName(language)}` : ''}`;
  const room = roomBytes
    ? `, counting ${(roomBytes / 1024).toFixed(1)} KB for a reader's own name, address and roles with nothing this week at their longest`
    : '';
  const base = { file: where.file, field: `variant ${where.variantId}` };
  if (kb > config.sizeLimitKb) {
    return [
      {
        ...base,
        severity: 'error',
        message: `HTML is ${shown} as encoded for sending, over the ${config.sizeLimitKb} KB limit (Gmail clips at about 102 KB)${room}`,
        hint: SIZE_LIMIT_HINT,
      },
    ];
  }
  if (kb > config.sizeWarnKb) {
    return [
      {
        ...base,
        severity: 'warning',
        message: `HTML is ${shown} as encoded for sending, over the ${config.sizeWarnKb} KB warning threshold${room}`,
        hint: `keep it under ${config.sizeLimitKb}${SIZE_WARN_HINT}`,
      },
    ];
  }
  return [];
}
