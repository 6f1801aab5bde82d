import type { Problem } from '../errors.js';
import { type Where, warning } from './_variant-problem.js';

/** The attributes the link gate reads, and the tags the alt gate reads (set-frames.ts keeps lines clear of both). */
export const LINK_ATTRIBUTE = /\s(href|src|background)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi;
export const IMAGE_TAG = /<img\b[^>]*>/gi;

/** Every href and src in the rendered HTML must be http(s), mailto, or a link to a place in the message itself. */
export function linkProblems(html: string, where: { file: string; variantId: string }): Problem[] {
  const problems: Problem[] = [];
  for (const match of html.matchAll(LINK_ATTRIBUTE)) {
    const value = decodeEntities(match[3] ?? match[4] ?? match[5] ?? '').trim();
    if (/^(https?:\/\/|mailto:)/i.test(value)) continue;
    if (match[1]!.toLowerCase() === 'href' && /^#[A-Za-z][\w-]*$/.test(value)) continue;
    problems.push({
      severity: 'error',
      file: where.file,
      field: `variant ${where.variantId}`,
      message: `${match[1]} "${value.slice(0, 80)}" is not an http(s) or mailto link`,
      hint: 'only http://, https:// and mailto: links may appear in a message',
    });
  }
  return problems;
}

function decodeEntities(value: string): string {
  // Every entity starts with '&'; most links have none.
  if (!value.includes('&')) return value;
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&amp;/g, '&');
}

/** Every image needs alt text: an empty alt is allowed only for decoration, and none is decoration here. */
export function altProblems(html: string, where: Where): Problem[] {
  const problems: Problem[] = [];
  for (const match of html.matchAll(IMAGE_TAG)) {
    const alt = /\salt\s*=\s*("([^"]*)"|'([^']*)')/i.exec(match[0]);
    if (alt && (alt[2] ?? alt[3] ?? '').trim()) continue;
    const src = /\ssrc\s*=\s*"([^"]*)"/i.exec(match[0])?.[1] ?? '';
    problems.push(
      warning(
        where,
        `image ${src.slice(0, 80)} has no alt text`,
        'give every image an alt text (brand.logoAlt for the logo)',
      ),
    );
  }
  return problems;
}
