/**
 * Work the look before each message must not repeat, counted where it is done. Tests measure a
 * look by what it did (lines parsed, damaged lines mended) rather than by the time it took, which a
 * loaded machine makes worthless.
 */
const done = {
  /** Journal lines parsed, by every reader of a journal. */
  journalLinesParsed: 0,
  /** Damaged journal lines that had every character tried. */
  journalMendsTried: 0,
};

export type Work = keyof typeof done;

export function countWork(work: Work): void {
  done[work]++;
}

/** How much of `work` was done since the process started. */
export function workDone(work: Work): number {
  return done[work];
}
