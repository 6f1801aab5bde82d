import MailComposer from 'nodemailer/lib/mail-composer';
import { foldLines, hasLongerLines, isPlainText } from 'nodemailer/lib/mime-funcs';
import MimeNode from 'nodemailer/lib/mime-node';
import { Encoder as QpEncoder } from 'nodemailer/lib/qp';
import type { ResolvedConfig } from '../config/schema.js';
import type { Problem } from '../errors.js';
import type { Variant } from '../group/index.js';
import type { Summary } from '../model/summary.js';
import { createCache } from './_cache.js';
import { contrast } from './_colour.js';
import { absentAmong, variantSummaries } from './mentions.js';
import { contrastPairs } from './palette.js';
import type { DigestView } from './view.js';
import { columns } from './wrap.js';

/**
 * The transfer encoding messages are sent with (see send/mime.ts). The size gate measures with the
 * same encoding, because Gmail clips on what arrives: quoted-printable keeps mostly-ASCII HTML near
 * its own size, where base64 would add a third.
 */
export const TEXT_ENCODING = 'quoted-printable' as const;

export interface EncodedSizes {
  /** The whole message: headers, text and HTML parts, as encoded for sending. */
  messageBytes: number;
  /** The HTML part's body alone, as encoded: what Gmail's clip threshold applies to. */
  htmlBytes: number;
}

/**
 * The message is built once with MailComposer around one-character bodies, for its headers and
 * boundaries; the bodies' encoded sizes are counted with nodemailer's own quoted-printable encoder,
 * fed directly. Each variant's sample would otherwise go through a whole MIME build, most of what
 * a variant cost once its MJML was compiled from pieces.
 */
export async function encodedSizes(message: { subject: string; html: string; text: string }): Promise<EncodedSizes> {
  return encodedSizesIn(await messageFrame(message), message);
}

/** The size of the message built around one-character bodies: headers, boundaries. */
export async function messageFrame(message: { subject: string; html: string; text: string }): Promise<number> {
  const frame = await build({
    from: 'Sender Name <sender@example.com>',
    to: 'Reader Name <reader.name@example.com>',
    subject: message.subject,
    // An empty body leaves its part out: so does the frame.
    html: message.html && PLACEHOLDER,
    text: message.text && PLACEHOLDER,
  });
  return frame.length;
}

/**
 * The size of the frame (see `messageFrame`) with another subject, from a frame built once: only
 * the Subject header differs, and MimeNode encodes and folds it on its own, synchronously.
 */
export async function subjectFrames(parts: { html: boolean; text: boolean }): Promise<(subject: string) => number> {
  const base = await messageFrame({ subject: BASE_SUBJECT, html: parts.html ? '.' : '', text: parts.text ? '.' : '' });
  const node = new MimeNode('multipart/alternative', { textEncoding: TEXT_ENCODING }) as MimeNode & {
    encodeHeaderValue(key: string, value: string): string;
  };
  const header = (subject: string) => {
    if (!subject) return 0;
    const value = node.encodeHeaderValue('Subject', subject);
    // MimeNode leaves out a header whose value is blank, with the line break that joined it.
    return String(value ?? '').trim() ? Buffer.byteLength(foldLines(`Subject: ${value}`, 76)) + 2 : 0;
  };
  const without = base - header(BASE_SUBJECT);
  // Many variants share a subject (it names the top story and a count), and encoding the header
  // costs more than the rest of a variant's gates: sizes are kept by subject.
  const sizes = createCache<string, number>(1000);
  return (subject) => {
    let bytes = sizes.get(subject);
    if (bytes === undefined) {
      bytes = without + header(subject);
      sizes.set(subject, bytes);
    }
    return bytes;
  };
}

const BASE_SUBJECT = 'subject';

/** The sizes of `message`, given the size of its frame (see `messageFrame`): no I/O, no streams. */
export function encodedSizesIn(frameBytes: number, message: { html: string; text: string }): EncodedSizes {
  const html = encodedBody(message.html);
  const text = encodedBody(message.text);
  const placeholder = encodedBody(PLACEHOLDER);
  const parts = [html, text].filter((part) => part.bodyBytes > 0);
  // A message of one part ends its body with a line break unless the body has one already; in a
  // multipart message the boundary's line break follows every body.
  const ending = (part: EncodedBody) => (parts.length === 1 && !part.endsWithNewline ? 2 : 0);
  let messageBytes = frameBytes;
  for (const part of parts) messageBytes += part.partBytes + ending(part) - placeholder.partBytes - ending(placeholder);
  return { messageBytes, htmlBytes: html.bodyBytes + (html.endsWithNewline ? 0 : 2) };
}

/**
 * Whether `html` may come out at or over a size threshold once quoted-printable encoded, by an
 * upper bound that costs two native scans instead of the encoding: an escaped ASCII character
 * (`=`, a control character) takes 3 bytes, any other character at most 9 (3 UTF-8 bytes as =XX),
 * a line break 2 plus an escaped space before it, and the soft line breaks (3 bytes) come at least
 * every 50 characters (see nodemailer's qp.wrap). HTML is full of `=`: counted as wide as a
 * non-ASCII character, the bound ran ~10 % over a digest's size, and a digest of 70 KB took the
 * exact count against an 80 KB threshold.
 */
export function mayReachSizeWarning(html: string, config: Pick<ResolvedConfig, 'sizeWarnKb' | 'sizeLimitKb'>): boolean {
  return mayReachFromCounts(sizeCounts(html), config);
}

/** What the size bound counts; each count of a joined text is the sum of its pieces' counts. */
export interface SizeCounts {
  length: number;
  /** ASCII characters quoted-printable escapes: `=` and control characters other than tab. */
  escaped: number;
  /** Code units outside ASCII. */
  wide: number;
  breaks: number;
}

export function sizeCounts(html: string): SizeCounts {
  const counts = { length: 0, escaped: 0, wide: 0, breaks: 0 };
  addSizeCounts(counts, html);
  return counts;
}

/**
 * `text`'s counts added to `counts`, in one pass over its UTF-16 code units: line breaks, the
 * ASCII characters quoted-printable escapes (anything but tab and printable ASCII other than
 * `=`), and the code units outside ASCII.
 */
export function addSizeCounts(counts: SizeCounts, text: string): void {
  counts.length += text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) counts.breaks++;
    else if (c > 0x7f) counts.wide++;
    else if (!(c === 9 || (c >= 0x20 && c <= 0x3c) || (c >= 0x3e && c <= 0x7e))) counts.escaped++;
  }
}

/** `mayReachSizeWarning` from the counts of the HTML's pieces, summed. */
export function mayReachFromCounts(
  counts: SizeCounts,
  config: Pick<ResolvedConfig, 'sizeWarnKb' | 'sizeLimitKb'>,
): boolean {
  const { length, escaped, wide, breaks } = counts;
  const encoded = length + 2 * escaped + 8 * wide + 3 * breaks + 2;
  const bound = encoded + 3 * Math.ceil(encoded / 50) + 2;
  return bound >= Math.min(config.sizeWarnKb, config.sizeLimitKb) * 1024;
}

/** Not plain text, so encoded as quoted-printable like any digest part. */
const PLACEHOLDER = '\u00e9';
const HEADER_7BIT = 'Content-Transfer-Encoding: 7bit'.length;
const HEADER_QP = 'Content-Transfer-Encoding: quoted-printable'.length;

interface EncodedBody {
  bodyBytes: number;
  /** The body and its Content-Transfer-Encoding header. */
  partBytes: number;
  endsWithNewline: boolean;
}

/** A text part's body as MimeNode encodes it, and what the part adds to a message. */
function encodedBody(content: string): EncodedBody {
  // MimeNode sends plain text with short lines as is (7bit), everything else quoted-printable.
  if (content === '') return { bodyBytes: 0, partBytes: 0, endsWithNewline: false };
  if (isPlainText(content) && !hasLongerLines(content, 76)) {
    const bytes = Buffer.byteLength(content);
    return { bodyBytes: bytes, partBytes: bytes + HEADER_7BIT, endsWithNewline: content.endsWith('\n') };
  }
  const encoder = new QpEncoder({ lineLength: 76 }) as QpEncoder & {
    _transform(chunk: Buffer, encoding: string, done: () => void): void;
    _flush(done: () => void): void;
  };
  let last = '';
  encoder.push = (chunk: string) => {
    if (chunk.length) last = chunk;
    return true;
  };
  encoder._transform(Buffer.from(content), 'buffer', () => undefined);
  encoder._flush(() => undefined);
  const bytes = encoder.outputBytes;
  return { bodyBytes: bytes, partBytes: bytes + HEADER_QP, endsWithNewline: last.endsWith('\n') };
}

function build(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    new MailComposer({ ...mail, textEncoding: TEXT_ENCODING }).compile().build((error, buffer) => {
      if (error) reject(error);
      else resolve(buffer);
    });
  });
}

const SIZE_LIMIT_HINT = 'shorten or drop summaries, or split the issue';

/** A problem `sizeProblems` raised for a message over the clip limit (not the warning below it). */
export function isOverSizeLimit(problem: Problem): boolean {
  return problem.severity === 'error' && isSizeProblem(problem);
}

/** A problem `sizeProblems` raised: over the clip limit, or over the warning threshold below it. */
export function isSizeProblem(problem: Problem): boolean {
  return problem.kind === 'size';
}

const SIZE_WARN_HINT = ' KB: Gmail clips longer messages';

export const SIZE_CUT_HINT = 'shorten or drop summaries to send every story in full';

/** The warning of a copy over the clip limit that lists its last stories by headline (see headline-cut.ts). */
export function isCutForSize(problem: Problem): boolean {
  return problem.severity === 'warning' && problem.hint === SIZE_CUT_HINT;
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

function languageName(code: string): string {
  return LANGUAGE_NAMES.of(code) ?? code;
}

export function sizeProblems(
  encodedHtmlBytes: number,
  config: Pick<ResolvedConfig, 'sizeLimitKb' | 'sizeWarnKb'>,
  where: { file: string; variantId: string },
  /** Of `encodedHtmlBytes`, the room counted for a reader's own lines at their longest. */
  roomBytes = 0,
  /** The language of the copy measured, when it is not the list's own. */
  language?: string,
): Problem[] {
  const kb = encodedHtmlBytes / 1024;
  const shown = `${kb.toFixed(1)} KB${language ? ` in the copy for readers in ${languageName(language)}` : ''}`;
  const room = roomBytes
    ? `, counting ${(roomBytes / 1024).toFixed(1)} KB for a reader's own name, address and roles with nothing this week at their longest`
    : '';
  const base = { file: where.file, field: `variant ${where.variantId}`, kind: 'size' as const };
  if (kb > config.sizeLimitKb) {
    return [
      {
        ...base,
        severity: 'error',
        message: `HTML is ${shown} as encoded for sending, over the ${config.sizeLimitKb} KB limit (Gmail clips at about 102 KB)${room}`,
        hint: SIZE_LIMIT_HINT,
      },
    ];
  }
  if (kb > config.sizeWarnKb) {
    return [
      {
        ...base,
        severity: 'warning',
        message: `HTML is ${shown} as encoded for sending, over the ${config.sizeWarnKb} KB warning threshold${room}`,
        hint: `keep it under ${config.sizeLimitKb}${SIZE_WARN_HINT}`,
      },
    ];
  }
  return [];
}

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

type Where = { file: string; variantId: string };

function variantProblem(severity: Problem['severity'], where: Where, message: string, hint: string): Problem {
  return { severity, file: where.file, field: `variant ${where.variantId}`, message, hint };
}

function warning(where: Where, message: string, hint: string): Problem {
  return variantProblem('warning', where, message, hint);
}

/**
 * Gates on what a reader sees: every card has a link, the subject and preheader speak only of
 * this variant's stories, and every colour pair reads in both colour schemes.
 */
export function viewProblems(view: DigestView, variant: Variant, all: readonly Summary[], where: Where): Problem[] {
  const problems: Problem[] = [];
  for (let i = 0; i < view.sections.length; i++) {
    const cards = view.sections[i]!.cards;
    for (let j = 0; j < cards.length; j++) {
      const card = cards[j]!;
      if (card.href) continue;
      problems.push(
        warning(
          where,
          `card "${card.id}" has no link (no article URL and no archive page)`,
          'give the summary a "Link:" line, or set urls.archive so it links to its archive page',
        ),
      );
    }
  }
  if (view.subject.trim() === '') {
    // An empty Subject reads as spam to filters and as nothing in the inbox.
    problems.push(
      variantProblem(
        'error',
        where,
        'the subject is empty: the subject template in issue.json writes nothing for this variant',
        'give the subject text outside its {{#if}} blocks, or leave "subject" out for the default',
      ),
    );
  }
  const width = displayColumns(view.subject);
  if (width > SUBJECT_COLUMNS) {
    const chars = [...view.subject];
    problems.push(
      warning(
        where,
        `the subject is ${width} columns wide ("${chars.slice(0, 30).join('')}…"): inboxes show about the first 60 on a computer and 35 on a phone, so "…${chars.slice(-20).join('')}" is never seen`,
        'shorten the lead story\'s title, or give the issue a shorter "subject" in issue.json',
      ),
    );
  }
  let stories: Summary[] | undefined;
  for (const what of ['subject', 'preheader'] as const) {
    const text = what === 'subject' ? view.subject : view.issue.preheader;
    if (!text) continue;
    stories ??= variantSummaries(variant);
    for (const absent of absentAmong(text, stories, all)) {
      const [message, hint] = absentWords(what, absent);
      problems.push(warning(where, message, hint));
    }
  }
  for (const { pair, ratio } of lowContrast(view.colours)) {
    problems.push(
      warning(
        where,
        `${pair.name} has contrast ${ratio.toFixed(2)}:1 (${pair.fg} on ${pair.bg}), below WCAG AA 4.5:1`,
        'pick brand colours with more contrast (brand.primaryColor, accentColor, backgroundColor)',
      ),
    );
  }
  return problems;
}

/** Past this, a subject's end is cut in every inbox (wide characters count two). */
const SUBJECT_COLUMNS = 80;
/** East Asian wide and full-width characters: two columns in an inbox's list. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/gu;

/** A subject's width as an inbox lays it out: code points, wide ones counted twice. */
export function displayColumns(text: string): number {
  return columns(text) + (text.match(WIDE)?.length ?? 0);
}

/** A warning's words for a story the subject or preheader names: the same for every variant that lacks it. */
function absentWords(what: 'subject' | 'preheader', absent: Summary): readonly [string, string] {
  let words = absentWordsOf.get(absent);
  if (!words || words.title !== absent.title) {
    words = { title: absent.title };
    absentWordsOf.set(absent, words);
  }
  words[what] ??= [
    `the ${what} names "${absent.title}", which this variant does not contain`,
    `give this variant or its roles its own ${what} under "overrides" in issue.json, or use {{lead}}`,
  ];
  return words[what];
}

const absentWordsOf = new WeakMap<
  Summary,
  { title: string; subject?: readonly [string, string]; preheader?: readonly [string, string] }
>();

/** Colour pairs below WCAG AA, worked out once per palette: every view of a list shares one frozen palette. */
type LowContrast = { pair: ReturnType<typeof contrastPairs>[number]; ratio: number }[];
const lowContrastOf = new WeakMap<object, LowContrast>();

function lowContrast(colours: Record<string, string>): LowContrast {
  // Only a frozen palette can be kept by identity: one that may change is worked out each time.
  const frozen = Object.isFrozen(colours);
  let found = frozen ? lowContrastOf.get(colours) : undefined;
  if (!found) {
    found = [];
    for (const pair of contrastPairs(colours)) {
      const ratio = contrast(pair.fg, pair.bg);
      if (ratio < 4.5) found.push({ pair, ratio });
    }
    if (frozen) lowContrastOf.set(colours, found);
  }
  return found;
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
