/** A run of `*`, `_` or `~~` that may open or close a span; `at` is its place in the output. */
export interface Mark {
  at: number;
  char: string;
  count: number;
  written: number;
  canOpen: boolean;
  canClose: boolean;
}

/**
 * CommonMark's "process emphasis": each closer meets the nearest opener of its kind; matched marks
 * are taken away, unmatched ones stay as written.
 */
export function matchMarks(marks: Mark[]): void {
  if (marks.length < 2) return;
  const previous = marks.map((_, index) => index - 1);
  const next = marks.map((_, index) => (index + 1 < marks.length ? index + 1 : -1));
  const unlink = (index: number) => {
    const before = previous[index]!;
    const after = next[index]!;
    if (before >= 0) next[before] = after;
    if (after >= 0) previous[after] = before;
  };
  // Below these, no opener for a closer of this kind was found before: never searched again.
  const bottoms = new Map<string, number>();
  let closer = 0;
  while (closer >= 0) {
    const mark = marks[closer]!;
    if (!mark.canClose || mark.count === 0) {
      closer = next[closer]!;
      continue;
    }
    const key = `${mark.char}${mark.written % 3}${mark.canOpen}`;
    const bottom = bottoms.get(key) ?? -1;
    let opener = previous[closer]!;
    while (opener > bottom) {
      const candidate = marks[opener]!;
      const oddMatch =
        (candidate.canClose || mark.canOpen) &&
        (candidate.written + mark.written) % 3 === 0 &&
        !(candidate.written % 3 === 0 && mark.written % 3 === 0);
      const sameLength = mark.char !== '~' || candidate.count === mark.count;
      if (candidate.char === mark.char && candidate.canOpen && candidate.count > 0 && !oddMatch && sameLength) break;
      opener = previous[opener]!;
    }
    if (opener <= bottom) {
      bottoms.set(key, previous[closer]!);
      const after = next[closer]!;
      if (!mark.canOpen) unlink(closer);
      closer = after;
      continue;
    }
    const open = marks[opener]!;
    const used = mark.char === '~' ? 2 : open.count >= 2 && mark.count >= 2 ? 2 : 1;
    open.count -= used;
    mark.count -= used;
    // Marks between the two stay as written, and are no longer openers.
    for (let between = next[opener]!; between !== closer && between >= 0; between = next[between]!) unlink(between);
    if (open.count === 0) unlink(opener);
    if (mark.count === 0) {
      const after = next[closer]!;
      unlink(closer);
      closer = after;
    }
  }
}
