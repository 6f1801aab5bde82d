import type { EMAIL_EN } from '../i18n/email.en.js';
import type { Language } from '../i18n/index.js';
import type { HeadlinesView } from './headline-cut.js';
import type { SharedViews } from './shared-views.js';

/** The shapes a template sees for one variant in one language (built in view.ts). */

export type CardStyle = 'compact' | 'full';

export interface CardView {
  id: string;
  /** Fragment id of the card, for the contents list's in-message links. */
  anchor: string;
  title: string;
  /**
   * The title's heading level: 3 under a section band (an h2), else 2, as the contents' and the
   * headlines' headings are, so a screen reader's list of headings never puts a story under "In this issue".
   */
  level: 2 | 3;
  /** The card's one link: the article, else its page in the web archive. */
  href: string | undefined;
  /** True when `href` is the article itself, false when it is the archive page. */
  hrefIsArticle: boolean;
  /** Visible button text and its accessible name, which names the story. */
  buttonLabel: string;
  buttonName: string;
  /** One line under the title: the summary's key insight. */
  teaser: string | undefined;
  paragraphs: string[];
  /**
   * The summary's page in the archive, when a compact card leaves some of it out and its own link
   * is the article: the rest of the summary is there.
   */
  more: { href: string; label: string; name: string } | undefined;
  takeaway: string;
  principles: string[];
  practice: string[];
  /** Topics as one muted line ("Costs · Gateways"). */
  topics: string;
  /** Every audience role of the summary; the reader's own are marked. */
  roles: { name: string; mine: boolean }[];
  source: { name: string; domain: string | undefined; href: string | undefined } | undefined;
  readingTime: string;
  minutes: number;
  style: CardStyle;
  /** The language the story is written in (the list's), when the message is in another one. */
  lang: string | undefined;
  /** The story reads right to left: its title's first letter is Hebrew, Arabic or another RTL script. */
  rtl: boolean;
  /** Where the bullets of `principles` and of `practice` go (see ListSide). */
  principlesSide: ListSide;
  practiceSide: ListSide;
}

/**
 * Where a list's bullets go: each item reads from its own first letter, so a list indents on the
 * right when every item reads right to left (`rtl`), and on both sides when its items read both
 * ways (`both`); else on the left.
 */
export interface ListSide {
  rtl: boolean;
  both: boolean;
}

/**
 * A section's heading in parts: the role's name (or a heading of roles.yaml, whole) apart from the
 * catalogue's words around it ("For "), so a template can mark the name with the list's language,
 * which uppercases it by that language's rules (Greek drops its accents in capitals).
 */
export interface HeadingParts {
  before: string;
  name: string;
  after: string;
}

export interface SectionView {
  role: string;
  heading: string;
  headingParts: HeadingParts;
  /** "2 reads" in the email's language. */
  count: string;
  cards: CardView[];
}

export interface DigestView {
  /**
   * The language of the labels (the catalogue's: "en", "de"), never a region: one compiled message
   * goes to every reader of that language whatever their region, and the catalogue names none.
   */
  lang: string;
  language: Language;
  /**
   * The list's locale, when the message is in another language: summaries, the issue's title,
   * intro and note and the footer's legal line are written in the list's language, and are marked
   * so a screen reader reads them in it (WCAG 3.1.2).
   */
  contentLang: string | undefined;
  brand: { name: string; logoUrl: string | undefined; logoAlt: string };
  /** Small line above the title: the brand, unless the title already says it. */
  kicker: string | undefined;
  colours: Record<string, string>;
  labels: Labels;
  issue: {
    id: string;
    title: string;
    weekLabel: string;
    dateLine: string;
    lead: string;
    intro: string | undefined;
    preheader: string | undefined;
    editorNote: string | undefined;
  };
  subject: string;
  /** Who this edition is for, shown under the title. */
  audience: string;
  isEditorEdition: boolean;
  /**
   * Whether each section opens with a band naming its role: a reader of one section has it named by
   * the lead and its reads counted by the contents; the editor edition names no role elsewhere.
   */
  showBands: boolean;
  greeting: string;
  contents: {
    summary: string;
    /** Section names in the contents only when there is more than one section. */
    showHeadings: boolean;
    sections: {
      heading: string;
      headingParts: HeadingParts;
      /** `rtl`: the story reads right to left, so its bullet goes on the right (see CardView). */
      items: { title: string; anchor: string; href: string | undefined; linkName: string; rtl: boolean }[];
    }[];
  };
  sections: SectionView[];
  /** The stories a copy over the clip limit lists by headline after its full cards (see headline-cut.ts). */
  headlines?: HeadlinesView | undefined;
  sender: { name: string; email: string };
  footer: {
    postalAddress: string;
    legal: string | undefined;
    sentTo: string;
    sentBy: string;
    subscribe: string | undefined;
  };
  unsubscribe: string;
  preferences: string | undefined;
  viewOnline: string | undefined;
}

type EmailKey = keyof typeof EMAIL_EN;
type LabelName = EmailKey extends `email.${infer Name}` ? Name : never;
export type Labels = Record<LabelName, string>;

export interface ViewOptions {
  language?: Language | undefined;
  /** Card style; the editor edition always shows full cards. */
  cardStyle?: CardStyle | undefined;
  /** Where a summary without an article link points; default: its archive page under `urls.archive`. */
  summaryHref?: ((summaryId: string) => string | undefined) | undefined;
  /**
   * Cards and sections already built for other variants of the same render, to reuse: a card or
   * section that reads the same is then the same object, so its template output can be reused too.
   */
  shared?: SharedViews | undefined;
}
