import { randomBytes } from 'node:crypto';

/**
 * Per-reader fields travel through Handlebars and MJML as sentinel tokens, then a compiled variant
 * is split at them once. Filling a reader in is a join of a few dozen strings: microseconds,
 * instead of the milliseconds an MJML compile costs.
 *
 * Tokens use only letters, digits and underscores so neither Handlebars escaping, MJML nor the
 * minifier can alter them.
 */

/**
 * `sentAt`: when the reader's message was sent, in tracked links, so a scanner's instant click is
 * told apart. `clickVariant`: the role set's signed id in tracked links (one value per role set).
 */
export const FIELD_NAMES = [
  'greetingName',
  'dateLine',
  'sentTo',
  'unsubscribe',
  'preferences',
  'viewOnline',
  'sentAt',
  'clickVariant',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];
export type FieldValues = Record<FieldName, string>;

/**
 * Fields with one value per role set, the same for all its readers: the sender writes them into a
 * role set's body once. Where such a value is signed (URL-safe ASCII inside a link), the gates and
 * the text sizer take it by its length alone, so one check serves every role set.
 */
export const VARIANT_FIELDS: ReadonlySet<string> = new Set<FieldName>(['clickVariant']);

/** The tokens of one render, and how to split its compiled output at them. */
export interface FieldTokens {
  sentinel: Readonly<Record<FieldName, string>>;
  split(compiled: string): Parts;
  /** Whether the text holds a token: a search, where `split` runs a pattern and makes a copy. */
  holds(compiled: string): boolean;
}

/**
 * Each render draws its own random nonce, so no summary, name or config value can spell a token:
 * content that happens to contain one from another render, or the token shape, stays literal text.
 */
export function createFieldTokens(nonce = randomBytes(8).toString('hex')): FieldTokens {
  const token = (name: FieldName) => `__rc${nonce}_${name}__`;
  const sentinel = Object.fromEntries(FIELD_NAMES.map((name) => [name, token(name)])) as Record<FieldName, string>;
  const splitter = new RegExp(`__rc${nonce}_(${FIELD_NAMES.join('|')})__`, 'g');
  const mark = `__rc${nonce}_`;
  return { sentinel, split: (compiled) => compiled.split(splitter), holds: (compiled) => compiled.includes(mark) };
}

/** Even indexes are literal text, odd indexes are field names. */
export type Parts = readonly string[];

export function joinParts(parts: Parts, values: FieldValues, encode: (value: string) => string): string {
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i += 2) {
    out += encode(values[parts[i] as FieldName]) + parts[i + 1];
  }
  return out;
}

/**
 * `joinParts` over literals kept as the shared strings they are joined from (odd indexes hold the
 * field's name alone): the message refers to those strings instead of copies of them.
 */
export function joinChunks(
  chunks: readonly (readonly string[])[],
  values: FieldValues,
  encode: (value: string) => string,
): string {
  let out = '';
  // A field may stand in many places (a role set's signed value in every tracked link): encoded once.
  const encoded: Partial<Record<FieldName, string>> = {};
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    if (i % 2 === 1) {
      const name = chunk[0] as FieldName;
      out += encoded[name] ??= encode(values[name]);
    } else for (let k = 0; k < chunk.length; k++) out += chunk[k]!;
  }
  return out;
}

export { escapeHtml } from '../escape.js';

export function asIs(value: string): string {
  return value;
}
