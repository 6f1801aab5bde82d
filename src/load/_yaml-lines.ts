import { isCollection, isMap, isScalar, LineCounter, parseDocument } from 'yaml';

/**
 * The 1-based line of a value in a YAML text, by its path (`['roles', 2, 'aliases', 0]`): the
 * nearest enclosing node that exists when the path goes further than the text does (a missing
 * `name` points at its entry). Undefined when the text does not parse.
 */
export function yamlLineOf(text: string): (path: readonly PropertyKey[]) => number | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, logLevel: 'silent' });
  if (doc.errors.length) return () => undefined;
  return (path) => {
    let node: unknown = doc.contents;
    let start = offsetOf(node);
    for (const key of path) {
      if (isMap(node)) {
        // The key's line, not its value's: a nested map's value starts on the line after it.
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
        if (!pair) break;
        node = pair.value;
        start = offsetOf(pair.key) ?? start;
        continue;
      }
      if (!isCollection(node)) break;
      const next = node.get(key, true);
      if (next === undefined) break;
      node = next;
      start = offsetOf(node) ?? start;
    }
    return start === undefined ? undefined : counter.linePos(start).line;
  };
}

function offsetOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}
