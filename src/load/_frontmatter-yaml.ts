import { isScalar, parseDocument, visit } from 'yaml';

/**
 * The curly quotes an editor or a word processor types for YAML's straight ones ("smart quotes"),
 * opening and closing: `title: “Warm Pools”`, `roles: [‘CTO’]`, German `„…“`.
 */
const CURLY_PAIRS: readonly (readonly [string, string])[] = [
  ['“', '”'],
  ['‘', '’'],
  ['„', '“'],
  ['„', '”'],
  ['‚', '‘'],
  ['«', '»'],
];

/**
 * A frontmatter's YAML, read as `yaml`'s `parse` reads it (its first error thrown), except that a
 * value written unquoted but wrapped whole in curly quotes is the text inside them, as the straight
 * quotes they stand for would make it: read as written, `roles: [“CTO”]` named the unknown role
 * '“CTO”' and `title: “Warm Pools”` kept its quotes in the subject. A value in straight quotes
 * holding curly ones (`title: "“Warm Pools”"`) keeps them.
 */
export function parseFrontmatterYaml(text: string, maxAliasCount: number): unknown {
  const doc = parseDocument(text, { logLevel: 'error' });
  if (doc.errors.length > 0) throw doc.errors[0];
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || node.type !== 'PLAIN' || typeof node.value !== 'string') return;
      const value = node.value;
      const pair = CURLY_PAIRS.find(
        ([open, close]) => value.length > 2 && value.startsWith(open) && value.endsWith(close),
      );
      if (pair === undefined) return;
      // "“Fast” and “cheap”" is two quotations, not one value in quotes.
      if (!wrappedWhole(value, pair[0], pair[1])) return;
      node.value = value.slice(1, -1).trim();
    },
  });
  return doc.toJS({ maxAliasCount });
}

/** Whether the quote opened at the value's start is the one closed at its end. */
function wrappedWhole(value: string, open: string, close: string): boolean {
  let depth = 0;
  for (let at = 0; at < value.length; at++) {
    const ch = value[at]!;
    if (ch === close && depth > 0) {
      depth--;
      if (depth === 0) return at === value.length - 1;
    } else if (ch === open) depth++;
  }
  return false;
}
