import type { ResolvedConfig } from '../config/schema.js';
import { contrast, fadedOn, mix, textOn, withContrast } from './_colour.js';

// Views are built per variant; the colours are the same for all of them: one frozen object per
// brand, shared by every view (and so recognised by identity, see the contrast gate).
const palettes = new WeakMap<ResolvedConfig['brand'], Record<string, string>>();

export function memoPalette(brand: ResolvedConfig['brand']): Record<string, string> {
  let colours = palettes.get(brand);
  if (!colours) {
    colours = Object.freeze(palette(brand));
    palettes.set(brand, colours);
  }
  return colours;
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
    onPrimaryMuted: fadedOn(onPrimary, brand.primaryColor, contrast(onPrimary, brand.primaryColor) > 9 ? 0.25 : 0.1),
    text,
    // The greeting, the lead line and the intro stand on the page's background, not on a card.
    textOnBackground: withContrast(text, brand.backgroundColor),
    heading: '#111827',
    muted: withContrast('#5b6472', brand.backgroundColor),
    cardMuted: withContrast('#5b6472', card),
    link: withContrast(brand.primaryColor, card),
    linkOnBackground: withContrast(brand.primaryColor, brand.backgroundColor),
    accent: brand.accentColor,
    takeaway: mix(brand.accentColor, '#ffffff', 0.9),
    button,
    onButton: '#ffffff',
    card,
    // The section band wears the header's colours: unmistakably not a card title.
    band: brand.primaryColor,
    onBand: onPrimary,
    mine: mix(brand.primaryColor, '#ffffff', 0.85),
    onMine: withContrast(brand.primaryColor, mix(brand.primaryColor, '#ffffff', 0.85)),
    rule: mix(brand.backgroundColor, '#000000', 0.1),
    // Dark scheme: fixed surfaces, brand-derived links lightened until they read on them.
    darkBody: '#0f172a',
    darkCard: '#1e293b',
    darkText: '#e2e8f0',
    darkHeading: '#f8fafc',
    darkMuted: '#a3b1c6',
    darkLink: withContrast(mix(brand.primaryColor, '#ffffff', 0.6), '#1e293b'),
    darkBand: '#334155',
    darkTakeaway: '#2b2118',
  };
}

/** Text/background pairs of both colour schemes, for the contrast gate. */
export function contrastPairs(colours: Record<string, string>): { name: string; fg: string; bg: string }[] {
  const c = colours;
  const pairs: [string, string, string][] = [
    ['text on card', c.text!, c.card!],
    ['muted text on card', c.cardMuted!, c.card!],
    ['text on background', c.textOnBackground!, c.background!],
    ['muted text on background', c.muted!, c.background!],
    ['link on card', c.link!, c.card!],
    ['link on background', c.linkOnBackground!, c.background!],
    ['header text', c.onPrimary!, c.primary!],
    ['header date line', c.onPrimaryMuted!, c.primary!],
    ['button label', c.onButton!, c.button!],
    ['section band', c.onBand!, c.band!],
    ['your role', c.onMine!, c.mine!],
    ['takeaway text', c.text!, c.takeaway!],
    ['dark: text on card', c.darkText!, c.darkCard!],
    ['dark: muted text on card', c.darkMuted!, c.darkCard!],
    ['dark: muted text on body', c.darkMuted!, c.darkBody!],
    ['dark: link on card', c.darkLink!, c.darkCard!],
    ['dark: link on body', c.darkLink!, c.darkBody!],
    ['dark: section band', c.darkHeading!, c.darkBand!],
    ['dark: takeaway text', c.darkText!, c.darkTakeaway!],
  ];
  return pairs.map(([name, fg, bg]) => ({ name, fg, bg }));
}
