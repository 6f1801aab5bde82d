/**
 * A Markdown body's inline marks taken out of the text readers see: `*emphasis*`, `_emphasis_`,
 * `~~strike~~`, code spans' backticks, a blockquote's `>` opening a line, backslash escapes, `<…>` around an autolink, the brackets and
 * address of a link (`[text](https://…)`, or `[text][ref]` when the file defines `ref`), and
 * character references (`&amp;`, `&#8212;`), and Obsidian's wikilinks and callout types (`_obsidian.ts`).
 * The text stays as written wherever a Markdown author would not see a mark:
 * - a code span's content, a web address and an autolink are never read for marks
 *   (https://example.com/a_b_c, `a*b*c`);
 * - a `_` inside a word never counts (snake_case_words), nor a `*` inside a word of ASCII letters
 *   and digits (2*3*4, E*Trade), nor a run of four or more (a `****` rating); CommonMark's flanking
 *   rules decide the rest;
 * - `[text][ref]` loses its brackets only when the file defines `ref`; `m[i][j]` stays;
 * - a character reference that would give a control character stays as written.
 * One left-to-right scan and CommonMark's delimiter pass: time linear in the text.
 */

import { characterReferenceAt } from '../character-references.js';
import { type Mark, matchMarks } from './_emphasis-marks.js';
import { imageGap } from './_image-gaps.js';
import { calloutTypeEnd, wikilinkAt } from './_obsidian.js';

/** Reference labels as CommonMark matches them: case and runs of white space do not count. */
export function referenceLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const PUNCTUATION = /^[\p{P}\p{S}]$/u;
const SPACE = /^\s$/u;
const ASCII_WORD = /^[A-Za-z0-9]$/;
/** A bare web address: a scheme and `//`, or `www.`, up to a space or an angle bracket. */
const BARE_URL = /(?<![\p{L}\p{N}])(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:\/\/|www\.)[^\s<>]*/gu;
const AUTOLINK =
  /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]{0,2000}|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,20})>/y;
const REFERENCE_TAIL = /\[([^[\]]{0,999})\]/y;
/**
 * What follows an inline link's text: `(address)`, where the address may hold one pair of
 * parentheses (Wikipedia's `Queue_(abstract_data_type)`) or be written `<…>`, and a title may follow
 * it (`"Title"`, `'Title'`, `(Title)`). Every part is bounded: a line of unclosed links stays linear.
 */
const LINK_TARGET =
  /\((?:<[^<>\n]{0,2000}>|[^()\s]{0,2000}(?:\([^()\s]{0,500}\)[^()\s]{0,500})?)(?:[ \t]{1,20}(?:"[^"\n]{0,500}"|'[^'\n]{0,500}'|\([^()\n]{0,500}\)))?[ \t]{0,20}\)/y;

/**
 * `text` (a paragraph's or a list item's lines, joined with line breaks) without its inline marks,
 * on one line; `defined` holds the reference labels the file defines.
 */
export function withoutInlineMarks(text: string, defined: ReadonlySet<string>): string {
  if (!/[*_~`\\<&[>]/.test(text)) return text.replaceAll('\n', ' ');
  // The output, a stretch at a time; a mark's place holds what is left of it once marks are matched.
  const out: string[] = [];
  const marks: Mark[] = [];
  const closeCodeAt = codeSpanCloser(text);
  const urls = bareUrls(text);
  // Where the link being read ends its text: its "](…)", "][ref]" or "]" is left out there.
  let referenceEnd: { at: number; end: number } | undefined;
  // How far the text is copied into the output: plain text is copied a stretch at a time.
  let copied = 0;
  let i = 0;
  /** Writes `piece` in place of the text from `i` to `to`. */
  const put = (to: number, piece: string) => {
    if (i > copied) out.push(text.slice(copied, i));
    out.push(piece);
    copied = i = to;
  };
  // Where the last image left a space in the output.
  let spaceLeftAt = -1;
  /** Leaves out the image from `i` to `end`, with the space around it that would leave two gaps. */
  const leaveOut = (end: number) => {
    const gap = imageGap(text, i, end, copied, lastCharacter(out));
    // "a ![x](x.png) ![y](y.png), b": the space the first left goes before the comma.
    if (gap.closes && gap.from === copied && spaceLeftAt === out.length - 1) out[spaceLeftAt] = '';
    if (gap.from > copied) out.push(text.slice(copied, gap.from));
    out.push(gap.piece);
    if (gap.piece !== '') spaceLeftAt = out.length - 1;
    copied = i = gap.to;
  };
  while (i < text.length) {
    const ch = text[i]!;
    // A blockquote's "> " opening a line: a Markdown preview shows the quote, not the marks. Not
    // ">50% of teams", which its author means as written.
    if (ch === '>' && (i === 0 || text[i - 1] === '\n')) {
      let end = i;
      while (text[end] === '>' && (text[end + 1] === ' ' || text[end + 1] === '\n' || end + 1 === text.length)) {
        end++;
        while (text[end] === ' ') end++;
      }
      if (end > i) {
        put(calloutTypeEnd(text, end) ?? end, '');
        continue;
      }
    }
    if (referenceEnd !== undefined && i >= referenceEnd.at) {
      put(Math.max(i, referenceEnd.end), '');
      referenceEnd = undefined;
      continue;
    }
    // A backslash ending a line is a line break, which a paragraph read as one line does without.
    if (ch === '\\' && text[i + 1] === '\n') {
      put(i + 1, '');
      continue;
    }
    if (ch === '\\' && i + 1 < text.length && ASCII_PUNCTUATION.test(text[i + 1]!)) {
      put(i + 2, text[i + 1]!);
      continue;
    }
    if (ch === '`') {
      let run = i;
      while (text[run] === '`') run++;
      const close = closeCodeAt(i, run - i);
      let code = close === undefined ? '' : text.slice(run, close);
      // No closing run, or "` `" (a space between backticks, not code): kept as written.
      if (close === undefined || code.trim() === '') {
        i = close === undefined ? run : close + (run - i);
        continue;
      }
      if (code.length > 1 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
      put(close + (run - i), code);
      continue;
    }
    if (ch === '<') {
      AUTOLINK.lastIndex = i;
      const link = AUTOLINK.exec(text);
      if (link) {
        put(AUTOLINK.lastIndex, link[1]!);
        continue;
      }
    }
    if (ch === '&') {
      const reference = characterReferenceAt(text, i);
      if (reference !== undefined) {
        put(reference.end, reference.character);
        continue;
      }
    }
    const url = urls.get(i);
    if (url !== undefined) {
      // Inside a reference link's text, the address ends where the text does.
      const within = referenceEnd === undefined ? url : url.slice(0, Math.max(0, referenceEnd.at - i));
      const address = withoutTrailingPunctuation(within);
      if (address !== '') {
        i += address.length;
        continue;
      }
    }
    // An image is left out, as it is from the lines the structure is read on.
    if (ch === '!' && text[i + 1] === '[' && referenceEnd === undefined) {
      const image = imageAt(text, i + 1, defined);
      if (image) {
        leaveOut(image.end);
        continue;
      }
    }
    // Obsidian's embed, "![[diagram.png]]": an image or another note shown in place, left out as an image is.
    if (ch === '!' && text[i + 1] === '[' && text[i + 2] === '[' && referenceEnd === undefined) {
      const embed = wikilinkAt(text, i + 1);
      if (embed) {
        leaveOut(embed.end);
        continue;
      }
    }
    if (ch === '[' && text[i + 1] === '[' && referenceEnd === undefined) {
      const wikilink = wikilinkAt(text, i);
      if (wikilink) {
        put(wikilink.end, wikilink.shown);
        continue;
      }
    }
    if (ch === '[' && referenceEnd === undefined) {
      referenceEnd = linkAt(text, i, defined);
      // A numbered citation (up to three digits) linked to its reference ("[1][r]", "[2](https://…)") is "[1]":
      // without its brackets the number would read as part of the sentence.
      const citation = referenceEnd && /^\d{1,3}$/.test(text.slice(i + 1, referenceEnd.at).trim());
      if (referenceEnd && citation) {
        put(referenceEnd.end, `[${text.slice(i + 1, referenceEnd.at).trim()}]`);
        referenceEnd = undefined;
        continue;
      }
      if (referenceEnd) {
        put(i + 1, '');
        continue;
      }
    }
    if (ch === '*' || ch === '_' || ch === '~') {
      let run = i;
      while (text[run] === ch) run++;
      const count = run - i;
      if (ch === '~' ? count !== 2 : count > 3) {
        i = run;
        continue;
      }
      const before = text[i - 1] ?? ' ';
      const after = text[run] ?? ' ';
      // CommonMark's flanking rules; a `_` inside a word neither opens nor closes (snake_case), and
      // neither does a `*` or `~~` between ASCII letters or digits (2*3*4, E*Trade). Between CJK
      // characters, which have no spaces between words, a `*` counts as CommonMark has it.
      const left = !SPACE.test(after) && (!PUNCTUATION.test(after) || SPACE.test(before) || PUNCTUATION.test(before));
      const right = !SPACE.test(before) && (!PUNCTUATION.test(before) || SPACE.test(after) || PUNCTUATION.test(after));
      const inWord = ch === '_' ? left && right : ASCII_WORD.test(before) && ASCII_WORD.test(after);
      put(run, '');
      marks.push({
        at: out.length - 1,
        char: ch,
        count,
        written: count,
        canOpen: left && (!inWord || PUNCTUATION.test(before)),
        canClose: right && (!inWord || PUNCTUATION.test(after)),
      });
      continue;
    }
    i++;
  }
  if (text.length > copied) out.push(text.slice(copied));
  matchMarks(marks);
  for (const mark of marks) out[mark.at] = mark.char.repeat(mark.count);
  return out.join('').replaceAll('\n', ' ');
}

/**
 * `line` with `rewrite` applied to the parts outside its code spans: what a code span holds stays as
 * written (`__init__`, `[a](b)`).
 */
export function outsideCodeSpans(line: string, rewrite: (part: string) => string): string {
  if (!line.includes('`')) return rewrite(line);
  let out = '';
  let from = 0;
  for (const span of codeSpanRanges(line)) {
    out += rewrite(line.slice(from, span.start)) + line.slice(span.start, span.end);
    from = span.end;
  }
  return out + rewrite(line.slice(from));
}

/**
 * `text`'s backtick runs in order, each with where its code span's closing run starts (undefined
 * when nothing closes it). The scan goes on after a span's closing run, or after a run left open.
 */
function* backtickRuns(text: string): Generator<{ start: number; length: number; close: number | undefined }> {
  if (!text.includes('`')) return;
  const closeCodeAt = codeSpanCloser(text);
  for (let i = 0; i < text.length; ) {
    if (text[i] !== '`') {
      i++;
      continue;
    }
    let run = i;
    while (text[run] === '`') run++;
    const length = run - i;
    const close = closeCodeAt(i, length);
    yield { start: i, length, close };
    i = close === undefined ? run : close + length;
  }
}

/** `line`'s code spans in order, each from its opening backticks to just after its closing ones. */
export function codeSpanRanges(line: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const { start, length, close } of backtickRuns(line))
    if (close !== undefined) spans.push({ start, end: close + length });
  return spans;
}

/** The bare web addresses in `text`, by where each starts. */
function bareUrls(text: string): Map<number, string> {
  const found = new Map<number, string>();
  if (!text.includes('://') && !text.includes('www.')) return found;
  for (const url of text.matchAll(BARE_URL)) found.set(url.index, url[0]);
  return found;
}

/** GFM's rule for a bare address's end: closing punctuation and an unmatched ")" are the sentence's. */
function withoutTrailingPunctuation(url: string): string {
  let unmatched = 0;
  for (const ch of url) unmatched += ch === ')' ? 1 : ch === '(' ? -1 : 0;
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if (last !== undefined && '?!.,:*_~\'"'.includes(last)) end--;
    else if (last === ')' && unmatched > 0) {
      end--;
      unmatched--;
    } else break;
  }
  return url.slice(0, end);
}

/**
 * For each backtick run, where the code span it opens closes (the next run of the same length), or
 * undefined. Runs are indexed once by length: no run is scanned for twice.
 */
function codeSpanCloser(text: string): (at: number, length: number) => number | undefined {
  let runs: Map<number, { starts: number[]; next: number }> | undefined;
  return (at, length) => {
    if (runs === undefined) {
      runs = new Map();
      for (let i = 0; i < text.length; ) {
        if (text[i] !== '`') {
          i++;
          continue;
        }
        let end = i;
        while (text[end] === '`') end++;
        const found = runs.get(end - i) ?? { starts: [], next: 0 };
        found.starts.push(i);
        runs.set(end - i, found);
        i = end;
      }
    }
    const found = runs.get(length);
    if (!found) return undefined;
    while (found.next < found.starts.length && found.starts[found.next]! <= at) found.next++;
    return found.starts[found.next];
  };
}

/**
 * `[text](https://…)`, or `[text][ref]`, `[text][]` or `[text]` whose reference the file defines, at
 * `at`: where its text ends and where the whole link does.
 */
function linkAt(text: string, at: number, defined: ReadonlySet<string>): { at: number; end: number } | undefined {
  REFERENCE_TAIL.lastIndex = at;
  const label = REFERENCE_TAIL.exec(text);
  // An escaped bracket, or a code span going on past the "]", could end the text elsewhere: such a
  // link stays as written. A code span closed inside the text (`[`code`](…)`) is the link's text.
  if (!label || label[1]!.trim() === '' || label[1]!.includes('\\') || !codeSpansClosed(label[1]!)) return undefined;
  const textEnd = at + 1 + label[1]!.length;
  const after = REFERENCE_TAIL.lastIndex;
  if (text[after] === '(') {
    LINK_TARGET.lastIndex = after;
    return LINK_TARGET.test(text) ? { at: textEnd, end: LINK_TARGET.lastIndex } : undefined;
  }
  if (defined.size === 0) return undefined;
  REFERENCE_TAIL.lastIndex = after;
  const ref = REFERENCE_TAIL.exec(text);
  if (ref) {
    const name = ref[1]!.trim() === '' ? label[1]! : ref[1]!;
    return defined.has(referenceLabel(name)) ? { at: textEnd, end: REFERENCE_TAIL.lastIndex } : undefined;
  }
  // A numbered citation ("tail latency [1]") keeps its brackets: as "tail latency 1" it would read
  // as part of the sentence.
  if (/^\d{1,9}$/.test(label[1]!.trim())) return undefined;
  return defined.has(referenceLabel(label[1]!)) ? { at: textEnd, end: after } : undefined;
}

/**
 * An image's `[alt](…)`, `[alt][ref]`, `[][ref]` or `[ref]` at `at` (after its "!"): where it ends. Its
 * alt text may be empty, as a link's text may not: `![][diagram]` is an image, read on it would reach
 * readers as "![]diagram", and `![Chart][c]` as "!Chart".
 */
function imageAt(text: string, at: number, defined: ReadonlySet<string>): { at: number; end: number } | undefined {
  if (text[at + 1] !== ']') return linkAt(text, at, defined);
  const after = at + 2;
  if (text[after] === '(') {
    LINK_TARGET.lastIndex = after;
    return LINK_TARGET.test(text) ? { at: at + 1, end: LINK_TARGET.lastIndex } : undefined;
  }
  REFERENCE_TAIL.lastIndex = after;
  const ref = REFERENCE_TAIL.exec(text);
  return ref && ref[1]!.trim() !== '' && defined.has(referenceLabel(ref[1]!))
    ? { at: at + 1, end: REFERENCE_TAIL.lastIndex }
    : undefined;
}

/** Whether `text` (a list item as written) holds an image and nothing else readers would see. */
export function onlyImages(text: string, defined: ReadonlySet<string>): boolean {
  return text.includes('![') && withoutInlineMarks(text, defined).trim() === '';
}

/** Whether every backtick run in `text` opens a code span that closes within it. */
export function codeSpansClosed(text: string): boolean {
  for (const { close } of backtickRuns(text)) if (close === undefined) return false;
  return true;
}

/** The last character written to `out`, or '' when nothing is. */
function lastCharacter(out: readonly string[]): string {
  for (let k = out.length - 1; k >= 0; k--) if (out[k] !== '') return out[k]!.at(-1)!;
  return '';
}
