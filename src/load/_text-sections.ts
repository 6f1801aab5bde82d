import type { RawSummary } from './_parsed-text.js';
import type { SectionKind } from './_text-headings.js';
import { joinLines, type TextLine } from './_text-lines.js';

export interface OpenSection {
  field: string;
  kind: SectionKind;
  line: number;
}

/**
 * The section being read and the text gathered for it so far, until `flush` writes it into the
 * summary's fields.
 */
export class SectionText {
  section: OpenSection | undefined;
  paragraph: TextLine[] = [];
  paragraphs: string[] = [];
  bullets: TextLine[][] = [];
  // The markers the current list section's items are written with ("-", "1"): none, a list without.
  readonly markers = new Set<string>();

  constructor(
    private readonly raw: RawSummary,
    private readonly written: ((text: string) => string) | undefined,
    private readonly unseenItem: ((text: string) => boolean) | undefined,
  ) {}

  /** What readers see of a paragraph or item: roles are read as written. */
  readonly writtenOut = (pieces: readonly TextLine[], field: string | undefined) =>
    joinLines(pieces, field === 'roles' ? undefined : this.written);

  /** Whether an item is nothing readers see (only an image): left out. */
  readonly unseen = (item: readonly TextLine[]) =>
    this.unseenItem !== undefined &&
    !item.some((line) => line.literal) &&
    this.unseenItem(item.map((line) => line.text).join('\n'));

  /** Ends the paragraph being read, kept unless readers would see nothing of it. */
  readonly endParagraph = () => {
    if (this.paragraph.length && !this.unseen(this.paragraph))
      this.paragraphs.push(this.writtenOut(this.paragraph, this.section?.field));
    this.paragraph = [];
  };

  readonly flush = () => {
    const section = this.section;
    if (!section) return;
    this.endParagraph();
    const value =
      section.kind === 'paragraph'
        ? this.paragraphs.join('\n\n')
        : this.bullets.filter((item) => !this.unseen(item)).map((item) => this.writtenOut(item, section.field));
    const existing = this.raw[section.field];
    // Appending in place: a file repeating one section thousands of times stays linear.
    if (Array.isArray(existing) && Array.isArray(value)) for (const item of value) existing.push(item);
    else if (typeof existing === 'string' && typeof value === 'string')
      this.raw[section.field] = `${existing}\n\n${value}`;
    else this.raw[section.field] = value;
    this.section = undefined;
    this.paragraph = [];
    this.paragraphs = [];
    this.bullets = [];
    this.markers.clear();
  };
}
