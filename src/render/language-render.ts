import type { Language } from '../i18n/index.js';
import type { Parts } from './_personal.js';
import type { GateSegment } from './set-frames.js';
import type { TextTemplate } from './text-template.js';

/** One language's copy of a variant, and its HTML cut at the fields, kept as readers ask for it. */

export interface LanguageRender {
  language: Language;
  subject: string;
  /**
   * The HTML cut at its fields. Assembled from pieces, it is joined from its chunks only when
   * something asks for it (a preview, the outbox): the SMTP sender reads the chunks, so a role set
   * it sends holds no joined copy of its HTML.
   */
  htmlParts: Parts | undefined;
  /**
   * Assembled from pieces, the HTML as the shared strings it is made of, in order. Cut at its
   * fields when asked (see `htmlChunksOf`), once per role set when its body is first prepared: a
   * role set waiting for its first message holds one list, not one per literal between fields.
   */
  pieces: readonly string[] | undefined;
  /**
   * The minified pieces `htmlParts` was cut from, when assembled from pieces; dropped once the
   * gates have read them, so a kept variant holds only its parts.
   */
  segments: readonly string[] | undefined;
  /** What the gates read of a variant assembled from pieces (see `FilledVariant.gates`); dropped with `segments`. */
  gates: readonly GateSegment[] | undefined;
  /** `pieces` cut at the fields (see `htmlChunksOf`), once a message was personalised from them. */
  chunks: readonly (readonly string[])[] | undefined;
  text: TextTemplate;
}

/**
 * The ways to read a language's HTML at its fields, given how a variant's pieces are cut (see
 * segment-split.ts).
 */
export function languageHtml(splitSegments: (pieces: readonly string[]) => (readonly string[])[]) {
  /** For each index of a language's HTML parts, the shared strings a literal is joined from, or a field's name. */
  const htmlChunksOf = (rendered: LanguageRender) => (rendered.pieces ? splitSegments(rendered.pieces) : undefined);
  /**
   * A language's chunks, kept once a message was written from them: joined into literals, a role
   * set would hold its own copy of its whole HTML (each a string made, then moved to the old
   * generation), which for many role sets is most of what the collector does.
   */
  const keptChunksOf = (rendered: LanguageRender): readonly (readonly string[])[] => {
    rendered.chunks ??= htmlChunksOf(rendered)!;
    return rendered.chunks;
  };
  /** A language's HTML cut at its fields, literals joined from their chunks on first use. */
  const htmlPartsOf = (rendered: LanguageRender): Parts => {
    rendered.htmlParts ??= (rendered.chunks ?? htmlChunksOf(rendered)!).map((chunks) => chunks.join(''));
    return rendered.htmlParts;
  };
  return { htmlChunksOf, keptChunksOf, htmlPartsOf };
}
