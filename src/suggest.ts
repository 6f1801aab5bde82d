/**
 * "Did you mean …?" for headings, field names and command-line flags: the closest known word within
 * a typo's distance. Bounded: words longer than MAX_WORD are not compared, so a 30 KB line costs
 * nothing and the comparison stays linear in the number of candidates.
 */
const MAX_WORD = 64;

export function closestWord(word: string, candidates: Iterable<string>): string | undefined {
  const key = word.toLowerCase().replace(/[\s_-]+/g, '');
  if (key.length === 0 || key.length > MAX_WORD) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const list = [...candidates];
  for (const candidate of list) {
    const other = candidate.toLowerCase().replace(/[\s_-]+/g, '');
    if (Math.abs(other.length - key.length) > 3 || other.length > MAX_WORD) continue;
    const distance = editDistance(key, other);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  const allowed = Math.max(1, Math.floor(key.length / 3));
  if (best !== undefined && bestDistance <= allowed) return best;
  // Singular for plural and the like ("alias" for "aliases"): one is the start of the other.
  const stem = list.find((candidate) => {
    const other = candidate.toLowerCase().replace(/[\s_-]+/g, '');
    return (
      key.length >= 3 &&
      other !== key &&
      (other.startsWith(key) || key.startsWith(other)) &&
      Math.abs(other.length - key.length) <= 3
    );
  });
  return stem;
}

/** Levenshtein distance with adjacent transpositions counted as one edit ("takeway"). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = value;
    }
  }
  return d[rows * cols - 1]!;
}
