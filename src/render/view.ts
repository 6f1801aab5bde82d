import type { ResolvedConfig } from '../config/schema.js';
import type { Variant } from '../group/index.js';
import type { LoadedIssue } from '../load/issue.js';
import type { Summary } from '../model/summary.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { contrast, mix, textOn, withContrast } from './_colour.js';
import { createFieldTokens, type FieldTokens } from './_personal.js';
import { issueWeek } from './dates.js';

/**
 * The data a template sees for one variant: pure, built from config, issue and variant. Per-reader
 * values are this render's sentinel tokens here and are filled in after compiling (see _personal.ts).
 */

export interface CardView {
  id: string;
  title: string;
  paragraphs: string[];
  takeaway: string;
  principles: string[];
  practice: string[];
  topics: string[];
  /** Every audience role of the summary, even those the reader does not hold. */
  roles: string[];
  source: string | undefined;
  url: string | undefined;
}

export interface DigestView {
  lang: string;
  brand: { name: string; logoUrl: string | undefined; logoAlt: string };
  /** Small line above the title: the brand, unless the title already says it. */
  kicker: string | undefined;
  colours: Record<string, string>;
  labels: typeof LABELS;
  issue: {
    id: string;
    title: string;
    weekLabel: string;
    dateLine: string;
    intro: string | undefined;
    preheader: string | undefined;
    editorNote: string | undefined;
  };
  /** Who this edition is for, shown under the title; empty for the editor edition. */
  audience: string;
  isEditorEdition: boolean;
  greeting: string;
  sections: { role: string; heading: string; cards: CardView[] }[];
  sender: { name: string; email: string };
  footer: { postalAddress: string; legal: string | undefined };
  unsubscribe: string;
  preferences: string | undefined;
  viewOnline: string | undefined;
}

export const LABELS = {
  takeaway: 'Key takeaway',
  principles: 'Principles',
  practice: 'In practice',
  topics: 'Topics',
  bestFor: 'Best for',
  source: 'Source',
  readArticle: 'Read the article',
  viewOnline: 'View this issue in your browser',
  viewOnlineShort: 'View online',
  unsubscribe: 'Unsubscribe',
  preferences: 'Update your preferences',
  sentBy: 'Sent by',
  forRoles: 'For',
  editorEdition: "Editor's edition · all roles",
};

export function buildView(
  config: ResolvedConfig,
  taxonomy: RoleTaxonomy,
  issue: LoadedIssue,
  variant: Variant,
  sentinel: FieldTokens['sentinel'] = createFieldTokens().sentinel,
): DigestView {
  const manifest = issue.manifest;
  const { week } = issueWeek(manifest.date, config.timezone);
  const title = manifest.title ?? config.brand.name;
  return {
    lang: config.locale,
    brand: {
      name: config.brand.name,
      logoUrl: config.brand.logoUrl,
      // Every image needs alt text; the brand name is the honest fallback for a logo.
      logoAlt: config.brand.logoAlt ?? config.brand.name,
    },
    kicker: title.toLowerCase() === config.brand.name.toLowerCase() ? undefined : config.brand.name,
    colours: palette(config.brand),
    labels: LABELS,
    issue: {
      id: issue.id,
      title,
      weekLabel: `Week ${week}`,
      dateLine: sentinel.dateLine,
      intro: manifest.intro,
      preheader: manifest.preheader,
      editorNote: manifest.editorNote,
    },
    audience: variant.isEditorEdition ? LABELS.editorEdition : `${LABELS.forRoles} ${variant.roles.join(', ')}`,
    isEditorEdition: variant.isEditorEdition,
    greeting: `Hi ${sentinel.greetingName},`,
    sections: variant.sections.map((section) => ({
      role: section.role,
      heading: taxonomy.heading(section.role),
      cards: section.summaries.map(cardView),
    })),
    sender: { name: config.sender.name, email: config.sender.email },
    footer: { postalAddress: config.footer.postalAddress, legal: config.footer.legal },
    unsubscribe: sentinel.unsubscribe,
    // Links the config can produce for every reader are in the template; the rest are left out.
    preferences: config.urls.preferences ? sentinel.preferences : undefined,
    viewOnline: config.urls.archive ? sentinel.viewOnline : undefined,
  };
}

function cardView(summary: Summary): CardView {
  return {
    id: summary.id,
    title: summary.title,
    paragraphs: summary.summary
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter(Boolean),
    takeaway: summary.takeaway,
    principles: summary.principles,
    practice: summary.practice,
    topics: summary.topics,
    roles: summary.roles,
    source: summary.source,
    url: summary.url,
  };
}

/** Brand colours adjusted so every text/background pair meets WCAG AA (4.5:1). */
export function palette(brand: ResolvedConfig['brand']): Record<string, string> {
  const text = '#1f2937';
  const card = '#ffffff';
  const onPrimary = textOn(brand.primaryColor);
  const button = withContrast(brand.accentColor, '#ffffff');
  return {
    background: brand.backgroundColor,
    primary: brand.primaryColor,
    onPrimary,
    onPrimaryMuted: mix(onPrimary, brand.primaryColor, contrast(onPrimary, brand.primaryColor) > 9 ? 0.25 : 0.1),
    text,
    heading: '#111827',
    muted: withContrast('#5b6472', brand.backgroundColor),
    link: withContrast(brand.primaryColor, card),
    linkDark: withContrast(mix(brand.primaryColor, '#ffffff', 0.6), '#1e293b'),
    accent: brand.accentColor,
    takeaway: mix(brand.accentColor, '#ffffff', 0.9),
    button,
    onButton: '#ffffff',
    chip: '#eef1f5',
    chipText: '#374151',
    roleChip: mix(brand.primaryColor, '#ffffff', 0.88),
    roleChipText: withContrast(brand.primaryColor, mix(brand.primaryColor, '#ffffff', 0.88)),
    rule: mix(brand.backgroundColor, '#000000', 0.1),
  };
}
