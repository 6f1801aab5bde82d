import type { Problem } from '../errors.js';
import type { RolesProse } from './_roles-prose.js';

export type RawSummary = Record<string, unknown>;

export interface ParsedText {
  raw: RawSummary;
  /** Line of each field, for pointing validation errors at the right place. */
  lines: Record<string, number>;
  problems: Problem[];
  /** Where a missing field should be added: the end of a text file, the frontmatter of Markdown. */
  missingLine?: number;
  /** The file could not be read as its format at all: report `problems` alone, with no "missing" cascade. */
  fatal?: boolean;
  /** Fields came from Markdown frontmatter (hints then speak of fields, not headings). */
  frontmatter?: boolean;
  /** The first line that reads like a "Best for:" line without its colon ("Best for CTO"). */
  bestForWithoutColon?: { line: number; text: string };
  /** Lines under a Markdown roles heading that read as prose: refused unless the taxonomy names them. */
  rolesProse?: RolesProse[];
}

/** How a Markdown body's text differs from a text summary's, for `parseSummaryText`. */
export interface TextOptions {
  hasTitle?: boolean;
  firstLine?: number;
  /** Indexes of lines that are text whatever they look like (inside a Markdown code fence). */
  literal?: ReadonlySet<number>;
  /** Indexes of lines to pass over as if they were not there (a Markdown comment's). */
  skip?: ReadonlySet<number>;
  /**
   * What the text readers see is made of (a Markdown body's without its inline marks): applied to
   * the title line and to section text, never to labels, roles or `literal` lines.
   */
  written?: (text: string) => string;
  /** Whether a list item, as written, is nothing readers see (only an image): left out of its list. */
  unseenItem?: (text: string) => boolean;
  /** Whether the roles are given above the text (a Markdown summary's frontmatter). */
  rolesAbove?: boolean;
  /** Whether the article's link is given above the text (a Markdown summary's frontmatter). */
  linkAbove?: boolean;
  /** The address of each line that was only a Markdown link, by index (see `MarkdownBody`). */
  aloneLinks?: ReadonlyMap<number, string>;
}
