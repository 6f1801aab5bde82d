import type { Parts } from './_personal.js';
import { knowFixedBytes, type TextTemplate } from './text-template.js';

/**
 * Plain text joined from pieces as `textSplitter(normaliseText(…))` would split their
 * concatenation: each piece's whole lines cleaned and split once, a variant only joining them.
 */

/** A line after its trailing blanks are cut: empty, blank (white space only) or text. */
export const BLANK = /^\s*$/;
export const TRAILING = /[ \t]+$/gm;

/**
 * A run of text with line breaks, its own whole lines (between its first and last line break)
 * cleaned as `normaliseText` cleans them and split once, so a variant only joins them.
 */
export interface Lines {
  /** The text before the first line break: ends a line the variant started. */
  first: string;
  /** The text after the last line break: starts a line the variant goes on with. */
  last: string;
  /** Whole lines before the first text line: empty or blank, cleaned. */
  lead: string[];
  /** From the first text line to the last, runs of empty lines already cut to two. */
  core: TextTemplate | undefined;
  /** UTF-8 size of the core's fixed runs. */
  coreBytes: number;
  /** The first and last text lines need no trimming should they start or end the text. */
  startsClean: boolean;
  endsClean: boolean;
  /** Whole lines after the last text line: empty or blank, cleaned. */
  tail: string[];
}

/** A text line, wrapped (when fixed) or split at its fields, and the UTF-8 size of a fixed one. */
export interface Line {
  item: string | Parts;
  bytes: number;
}

/** A line as the layout left it: cleaned, whether it is blank, and its template line. */
export interface RawLine {
  clean: string;
  blank: boolean;
  /** The template line of `clean`, once looked up. */
  line?: Line;
}

/** Text a variant joins: a string without line breaks, or lines worked out once. */
export type Chunk = string | Lines;

/** A run's whole lines cleaned as `normaliseText` cleans them. */
export function runLines(text: string, line: (text: string) => Line): Lines {
  const start = text.indexOf('\n');
  const end = text.lastIndexOf('\n');
  const out: Lines = {
    first: text.slice(0, start),
    last: text.slice(end + 1),
    lead: [],
    core: undefined,
    coreBytes: 0,
    startsClean: true,
    endsClean: true,
    tail: [],
  };
  if (start === end) return out;
  const lines = text
    .slice(start + 1, end)
    .split('\n')
    .map((each) => each.replace(TRAILING, ''));
  let from = 0;
  while (from < lines.length && BLANK.test(lines[from]!)) from++;
  let to = lines.length - 1;
  while (to >= from && BLANK.test(lines[to]!)) to--;
  if (from > to) {
    out.lead = lines;
    return out;
  }
  out.lead = lines.slice(0, from);
  out.tail = lines.slice(to + 1);
  out.startsClean = lines[from] === lines[from]!.trimStart();
  out.endsClean = lines[to] === lines[to]!.trimEnd();
  const core = new Assembly(line);
  // From and to are text lines: no empty line is held back at either end.
  core.pending(lines.slice(from, to + 1));
  out.core = core.items;
  out.coreBytes = core.bytes;
  return out;
}

/** A template being written line by line; neighbouring fixed lines join into one run. */
class Assembly {
  items: TextTemplate = [];
  bytes = 0;
  private fixed = false;
  /**
   * `join` off: every line and piece stays an item of its own, so a variant's template holds the
   * strings its pieces share with other variants rather than joined copies of them.
   */
  constructor(
    private readonly lines: (text: string) => Line,
    private readonly join = true,
  ) {}

  line(text: string): void {
    const { item, bytes } = this.lines(text);
    this.push(item, bytes);
  }

  /** A run of empty lines between two others, cut to two as `normaliseText` does. */
  empties(count: number): void {
    for (let i = 0; i < Math.min(count, 2); i++) this.push('', 0);
  }

  /** A text line met outside kept pieces, looked up once however often it is written. */
  raw(found: RawLine): void {
    found.line ??= this.lines(found.clean);
    this.push(found.line.item, found.line.bytes);
  }

  /** Blank lines held back until more text followed: runs of empty ones cut, blank ones kept. */
  pending(lines: readonly string[]): void {
    let empty = 0;
    for (const each of lines) {
      if (!each) {
        empty++;
        continue;
      }
      this.empties(empty);
      empty = 0;
      this.line(each);
    }
    this.empties(empty);
  }

  push(item: string | Parts, bytes: number): void {
    if (typeof item !== 'string') {
      this.items.push(item);
      this.fixed = false;
      return;
    }
    if (this.fixed && this.join) {
      const at = this.items.length - 1;
      this.items[at] = `${this.items[at] as string}\n${item}`;
      this.bytes += bytes + 1;
    } else {
      this.items.push(item);
      this.bytes += bytes;
      this.fixed = true;
    }
  }

  /** Another template's items, with the UTF-8 size of their fixed runs. */
  append(items: TextTemplate, bytes: number): void {
    if (!items.length) return;
    const first = items[0]!;
    if (typeof first === 'string' && this.fixed && this.join) {
      const at = this.items.length - 1;
      this.items[at] = `${this.items[at] as string}\n${first}`;
      this.bytes += 1;
    } else {
      this.items.push(first);
    }
    for (let i = 1; i < items.length; i++) this.items.push(items[i]!);
    this.bytes += bytes;
    this.fixed = typeof items[items.length - 1] === 'string';
  }
}

/**
 * The template `textSplitter(normaliseText(text))` gives for the text that the inline strings and
 * runs spell, worked out from the runs' cleaned lines. Undefined where a run would start or end the
 * text and need trimming, or the text is blank: the caller then renders it the ordinary way.
 */
export function assemble(
  chunks: readonly (string | Lines)[],
  line: (text: string) => Line,
  raw: (text: string) => RawLine,
): TextTemplate | undefined {
  const out = new Assembly(line, false);
  let started = false;
  // The last text line outside runs, held back as the text's end is trimmed.
  let held: RawLine | string | undefined;
  // Whether the last text line so far ends a run's core, and that core ends clean.
  let lastInCore = false;
  let coreEndsClean = true;
  // Empty and blank lines since the last text line: written only when more text follows.
  let pending: string[] = [];

  const flush = () => {
    if (typeof held === 'string') out.line(held);
    else if (held !== undefined) out.raw(held);
    held = undefined;
    out.pending(pending);
    pending = [];
  };
  const whole = (text: string) => {
    const found = raw(text);
    if (!started) {
      if (found.blank) return;
      started = true;
      held = found.clean.trimStart();
    } else if (found.blank) {
      pending.push(found.clean);
      return;
    } else {
      flush();
      held = found;
    }
    lastInCore = false;
  };

  let current = '';
  for (const chunk of chunks) {
    if (typeof chunk === 'string') {
      current += chunk;
      continue;
    }
    whole(current + chunk.first);
    if (chunk.core === undefined) {
      if (started) for (const each of chunk.lead) pending.push(each);
    } else {
      if (!started) {
        if (!chunk.startsClean) return undefined;
        started = true;
      } else {
        for (const each of chunk.lead) pending.push(each);
        flush();
      }
      out.append(chunk.core, chunk.coreBytes);
      lastInCore = true;
      coreEndsClean = chunk.endsClean;
      pending = chunk.tail.slice();
    }
    current = chunk.last;
  }
  whole(current);
  if (!started) return undefined;
  if (lastInCore) {
    if (!coreEndsClean) return undefined;
  } else {
    out.line((typeof held === 'string' ? held : held!.clean).trimEnd());
  }
  out.line('');
  // A copy of its exact length: grown by push, the list kept room for more, and a role set holds
  // it for the whole send.
  const items = out.items.slice();
  knowFixedBytes(items, out.bytes);
  return items;
}

/**
 * The lines of the text that `chunks` spell, for a larger join: its first and last partial lines
 * left as they are, its whole lines cleaned and split; a string where it has no line break.
 */
export function compose(
  chunks: readonly (string | Lines)[],
  line: (text: string) => Line,
  raw: (text: string) => RawLine,
): Lines | string {
  const out = new Assembly(line);
  let first: string | undefined;
  const lead: string[] = [];
  let started = false;
  let startsClean = true;
  let endsClean = true;
  // The last text line outside chunks' cores, not yet written.
  let held: RawLine | undefined;
  let pending: string[] = [];

  const flush = () => {
    if (held) out.raw(held);
    held = undefined;
    out.pending(pending);
    pending = [];
  };
  const whole = (text: string) => {
    if (first === undefined) {
      first = text;
      return;
    }
    const found = raw(text);
    if (found.blank) {
      (started ? pending : lead).push(found.clean);
      return;
    }
    if (started) flush();
    else {
      started = true;
      startsClean = found.clean === found.clean.trimStart();
    }
    held = found;
  };

  let current = '';
  for (const chunk of chunks) {
    if (typeof chunk === 'string') {
      current += chunk;
      continue;
    }
    whole(current + chunk.first);
    if (chunk.core === undefined) {
      for (const each of chunk.lead) (started ? pending : lead).push(each);
    } else {
      if (started) {
        for (const each of chunk.lead) pending.push(each);
        flush();
      } else {
        for (const each of chunk.lead) lead.push(each);
        started = true;
        startsClean = chunk.startsClean;
      }
      out.append(chunk.core, chunk.coreBytes);
      endsClean = chunk.endsClean;
      pending = chunk.tail.slice();
    }
    current = chunk.last;
  }
  if (first === undefined) return current;
  if (held) {
    endsClean = held.clean === held.clean.trimEnd();
    const tail = pending;
    pending = [];
    flush();
    pending = tail;
  }
  return {
    first,
    last: current,
    lead,
    core: started ? out.items : undefined,
    coreBytes: out.bytes,
    startsClean,
    endsClean,
    tail: pending,
  };
}
