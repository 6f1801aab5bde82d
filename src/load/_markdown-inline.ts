/**
 * A Markdown line's inline marks taken out, leaving the words a reader of the rendered Markdown
 * sees: links as their text (a destination may hold parentheses, `(Foo_(bar))`, and a title), a
 * reference link `[text][ref]` as its text, images left out, an autolink `<https://…>` as its
 * address, code spans as their code, emphasis, strong and strike-through marks dropped, and a
 * backslash escape as the character it escapes. HTML is left as written (it reaches readers
 * escaped, as text). One scan for links and code, then bounded patterns: linear in the line.
 */
export function inlineText(line: string): string {
  // A line holding the marks this uses itself (private-use characters) is left as written.
  if (!/[[\]`<\\*_~]/.test(line) || line.includes(ESCAPED_MARK)) return line;
  return dropEmphasis(scanLinksAndCode(line));
}

/** Characters a backslash escapes in Markdown. */
const ESCAPABLE = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
/** Link text and destinations are short; longer runs are read as text. */
const MAX_TEXT = 500;
const MAX_DESTINATION = 2000;
const AUTOLINK = /^<((?:https?|mailto):[^\s<>]{1,2000})>/i;

function scanLinksAndCode(line: string): string {
  // Lengths of backtick runs nothing closes from some point on: a later run of one is text too.
  const unclosed = new Set<number>();
  let out = '';
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '\\' && ESCAPABLE.has(line[i + 1] ?? '')) {
      // Kept escaped from the emphasis pass by a placeholder, restored at the end.
      out += ESCAPED_MARK + line[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const code = codeSpan(line, i, unclosed);
      out += protect(code.text);
      i = code.end;
      continue;
    }
    if (ch === '<') {
      const auto = AUTOLINK.exec(line.slice(i, i + MAX_DESTINATION + 16));
      if (auto) {
        out += protect(auto[1]!);
        i += auto[0].length;
        continue;
      }
    }
    const image = ch === '!' && line[i + 1] === '[';
    if (ch === '[' || image) {
      const link = linkAt(line, image ? i + 1 : i);
      if (link) {
        if (!image) out += link.text;
        i = link.end;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/** `[text](destination "title")`, `[text][ref]` or `[text][]` starting at `open`: its text and end. */
function linkAt(line: string, open: number): { text: string; end: number } | undefined {
  const close = indexWithin(line, ']', open + 1, MAX_TEXT);
  if (close < 0 || close === open + 1) return undefined;
  const text = line.slice(open + 1, close);
  if (text.includes('[')) return undefined;
  if (line[close + 1] === '[') {
    const refEnd = indexWithin(line, ']', close + 2, MAX_TEXT);
    if (refEnd < 0 || line.slice(close + 2, refEnd).includes('[')) return undefined;
    return { text, end: refEnd + 1 };
  }
  if (line[close + 1] !== '(') return undefined;
  const end = destinationEnd(line, close + 2);
  return end === undefined ? undefined : { text, end };
}

/** After `(`: the index past the `)` that ends a destination and its optional title, or undefined. */
function destinationEnd(line: string, start: number): number | undefined {
  let i = start;
  while (line[i] === ' ') i++;
  if (line[i] === '<') {
    const close = indexWithin(line, '>', i, MAX_DESTINATION);
    if (close < 0) return undefined;
    i = close + 1;
  } else {
    // Parentheses inside a destination balance ("wiki/Foo_(bar)").
    let depth = 0;
    const from = i;
    for (; i < line.length && i - from <= MAX_DESTINATION; i++) {
      const ch = line[i]!;
      if (ch === '\\') i++;
      else if (ch === '(') depth++;
      else if (ch === ')') {
        if (depth === 0) break;
        depth--;
      } else if (ch === ' ' || ch === '\t') break;
      // A bracket ends the search: a destination holding one is rare, and "[a](" repeated would
      // otherwise have each attempt scan the whole bound.
      else if (ch === '[' || ch === ']') return undefined;
    }
  }
  while (line[i] === ' ') i++;
  const quote = line[i];
  if (quote === '"' || quote === "'" || (quote === '(' && line[i - 1] === ' ')) {
    const closing = quote === '(' ? ')' : quote;
    const close = indexWithin(line, closing, i + 1, MAX_TEXT);
    if (close < 0) return undefined;
    i = close + 1;
    while (line[i] === ' ') i++;
  }
  return line[i] === ')' ? i + 1 : undefined;
}

/** `search` in `line` from `from`, looking at most `max` characters on: -1 when not there. */
function indexWithin(line: string, search: string, from: number, max: number): number {
  const found = line.slice(from, from + max + search.length).indexOf(search);
  return found < 0 ? -1 : from + found;
}

/**
 * A code span opened by the run of backticks at `start`: its code and end. A run no run of its
 * length closes is text, as written (and passed over whole, so each run is looked for once).
 */
function codeSpan(line: string, start: number, unclosed: Set<number>): { text: string; end: number } {
  let run = start;
  while (line[run] === '`') run++;
  const fence = line.slice(start, run);
  if (unclosed.has(fence.length)) return { text: fence, end: run };
  let search = run;
  for (;;) {
    const close = line.indexOf(fence, search);
    if (close < 0) {
      unclosed.add(fence.length);
      return { text: fence, end: run };
    }
    let after = close + fence.length;
    // A longer run of backticks does not close a shorter one.
    if (line[after] === '`') {
      while (line[after] === '`') after++;
      search = after;
      continue;
    }
    let text = line.slice(run, close);
    if (text.length > 1 && text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') text = text.slice(1, -1);
    return { text, end: after };
  }
}

/*
 * A mark the emphasis pass must leave alone (in code, an address, or escaped) is preceded by a
 * private-use character, taken out after it: `snake_case` in code stays, `\*` stays a star.
 */
const ESCAPED_MARK = '\ue000';

function protect(text: string): string {
  return text.replace(/[*_~]/g, (mark) => ESCAPED_MARK + mark);
}

const STRONG_STARS = /\*\*(?![\s*])([^*\n]{1,500}?)(?<![\s*])\*\*/g;
const STRONG_UNDERSCORES = /(^|[^\p{L}\p{N}_])__(?![\s_])([^_\n]{1,500}?)(?<![\s_])__(?![\p{L}\p{N}_])/gu;
const EMPHASIS_STAR = /(^|[^*\ue000])\*(?![\s*])([^*\n]{1,500}?)(?<![\s*\ue000])\*(?!\*)/g;
const EMPHASIS_UNDERSCORE = /(^|[^\p{L}\p{N}_\ue000])_(?![\s_])([^_\n]{1,500}?)(?<![\s_\ue000])_(?![\p{L}\p{N}_])/gu;
const STRIKE = /~~(?![\s~])([^~\n]{1,500}?)(?<![\s~])~~/g;

function dropEmphasis(text: string): string {
  let out = text;
  if (out.includes('**')) out = out.replace(STRONG_STARS, '$1');
  if (out.includes('__')) out = out.replace(STRONG_UNDERSCORES, '$1$2');
  if (out.includes('*')) out = out.replace(EMPHASIS_STAR, '$1$2');
  if (out.includes('_')) out = out.replace(EMPHASIS_UNDERSCORE, '$1$2');
  if (out.includes('~~')) out = out.replace(STRIKE, '$1');
  return out.includes(ESCAPED_MARK) ? out.replaceAll(ESCAPED_MARK, '') : out;
}
