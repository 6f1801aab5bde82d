/**
 * The preview's own pages are built from strings, so every interpolated value goes through one
 * escaping tag: subscriber names, subjects and problems are content, never markup.
 */

import { escapeHtml } from '../escape.js';

/** Markup that is already safe to place in a page. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | undefined | null | readonly Interpolation[];

export { escapeHtml };

function render(value: Interpolation): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: literal parts are trusted, every `${value}` is escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** A word this long (a pasted handle, a hash) would widen a table past the window. */
const LONG_WORD = 40;

/**
 * Text whose over-long words may wrap anywhere, and only those: a table cell left to break every
 * word squeezes its ordinary ones ("example.co|m", "Subscriber|s") whenever the table is full.
 */
export function wrapLongWords(text: string): SafeHtml {
  return new SafeHtml(
    text
      .split(/(\s+)/)
      .map((part) =>
        part.length >= LONG_WORD ? `<span class="long-word">${escapeHtml(part)}</span>` : escapeHtml(part),
      )
      .join(''),
  );
}

/** `/variant/a+b` with each segment percent-encoded, for hrefs built from data. */
export function pathOf(...segments: string[]): string {
  return `/${segments.map(encodeURIComponent).join('/')}`;
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
