import type { Problem } from '../errors.js';
import type { Variant } from '../group/index.js';

/** What changes per subscriber; filled into an already-compiled variant by a cheap string pass. */
export interface PersonalFields {
  email: string;
  name?: string | undefined;
  /** What the greeting calls the reader; derived from `name` when absent. */
  firstName?: string | undefined;
  locale?: string | undefined;
  timezone?: string | undefined;
  /** The roles the reader chose; the footer names those that had nothing this week too. */
  roles?: readonly string[] | undefined;
  unsubscribeUrl: string;
  preferencesUrl?: string | undefined;
  viewOnlineUrl?: string | undefined;
  /** When this message is sent; tracked links carry it (see src/analytics/track-links.ts). */
  sentAt?: Date | undefined;
}

export interface PersonalisedMessage {
  subject: string;
  html: string;
  text: string;
}

/** One audience variant, compiled through MJML once, ready to personalise many times. */
export interface CompiledVariant {
  variant: Variant;
  /** The variant's subject (already rendered: it may name the variant's roles). */
  subject: string;
  /** Size in bytes of the HTML and text with placeholders filled by typical values. */
  htmlBytes: number;
  textBytes: number;
  /** Size of the whole message as encoded for sending (MIME, transfer encoding), for the clip gate. */
  encodedBytes: number;
  /** Size of the HTML part's body alone as encoded for sending: what the clip gate measures. */
  encodedHtmlBytes: number;
  /** Warnings and errors from the quality gates (size, links, MJML). */
  problems: Problem[];
  /** How many stories a copy over the clip limit shows in full, the rest by headline; undefined when it shows all. */
  fullCards?: number | undefined;
  personalise(fields: PersonalFields): PersonalisedMessage;
  /**
   * The pieces `personalise` joins, for a sender that encodes the fixed text once per variant and
   * only the reader's fields per message. One object per language, the same on every call.
   */
  template?(fields: PersonalFields): VariantTemplate;
}

/**
 * A compiled variant split at its per-reader fields. Joining it as `personalise` does gives the same
 * message: `html` with each field value passed through `escapeHtml`, `text` pieces joined with "\n",
 * a piece that is a list of parts filled with the raw values and then wrapped by `fillTextLine`.
 */
export interface VariantTemplate {
  subject: string;
  /**
   * Even indexes literal HTML, odd indexes field names. With `htmlChunks`, joined on first read:
   * a sender that reads the chunks never makes a variant's joined copy.
   */
  html: readonly string[];
  /**
   * When the variant was assembled from pieces: for each index of `html`, the strings a literal is
   * joined from, in order, or a field's name alone. Other variants showing the same piece hold the
   * same string, so an encoder can keep its output per piece, not per variant. Worked out on each
   * read: a sender reads it once, when it prepares the variant's body.
   */
  htmlChunks?: readonly (readonly string[])[] | undefined;
  /** Runs of fixed lines, or one line's parts (even literal, odd field names). */
  text: readonly (string | readonly string[])[];
  /**
   * One reader's field values by name, not yet escaped. `clickVariant` is the variant's own and the
   * same for every reader: the sender writes it in once per variant (see send/wire/prepare.ts).
   */
  values(fields: PersonalFields): Readonly<Record<string, string>>;
  escapeHtml(value: string): string;
  /** A text line with fields, filled and wrapped. */
  fillTextLine(parts: readonly string[], values: Readonly<Record<string, string>>): string;
}
