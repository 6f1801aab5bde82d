import type { Problem } from '../errors.js';
import { contrast } from './_colour.js';
import { contrastPairs } from './palette.js';

/**
 * The palette gate measures the colours the built-in templates pair. A template of the editor's own
 * (an intro with `<p style="color:#333333">`) writes colours of its own, and the dark scheme
 * recolours only the elements its rules name (`.rc-intro div`, `.rc-text`, …): dark text kept on
 * Apple Mail's dark background reads at about 1.5:1. This reads the compiled HTML as each scheme
 * shows it: every run of text, in the colour it ends up with, on what stands behind it.
 *
 * A small walk over the tags, not a browser: it knows the inline `color`, `background(-color)` and
 * `bgcolor` a template writes, and dark rules whose selectors are classes, tags and attributes joined
 * by spaces (the only kind the templates may use: Gmail drops child selectors). Colours are read
 * when written as hex; others are left alone.
 */

interface Element {
  tag: string;
  classes: readonly string[];
  attributes: Readonly<Record<string, string>>;
  colour: string | undefined;
  background: string | undefined;
  hidden: boolean;
  parent: Element | undefined;
  /** What `resolve` found for this element, by scheme and property: text runs share their elements. */
  resolved?: Record<string, string | undefined>;
}

interface DarkRule {
  /** Each selector of the rule, as its compound parts from outermost to the element itself. */
  selectors: readonly (readonly Compound[])[];
  colour: string | undefined;
  background: string | undefined;
}

interface Compound {
  tag: string | undefined;
  classes: readonly string[];
  attributes: readonly [string, string][];
}

export interface SchemeColours {
  /** The page's background in the light scheme. */
  background: string;
  /** Pairs the palette gate already reports: not reported again. */
  known: ReadonlySet<string>;
}

/** `templateContrastProblems` against the view's palette, leaving out the pairs the palette gate reports. */
export function templateColourProblems(
  html: string,
  colours: Record<string, string>,
  where: { file: string; variantId: string },
): Problem[] {
  const known = new Set(contrastPairs(colours).map((pair) => `${pair.fg} ${pair.bg}`));
  return templateContrastProblems(html, { background: colours.background!, known }, where);
}

const VOID = new Set(['br', 'img', 'meta', 'hr', 'input', 'link', 'col', 'area', 'base', 'wbr', 'source']);

export function templateContrastProblems(
  html: string,
  scheme: SchemeColours,
  where: { file: string; variantId: string },
): Problem[] {
  const rules = darkRules(html);
  const found = new Map<string, Problem>();
  const body = html.replace(/<!--[\s\S]*?-->/g, '');
  const tags = /<(\/?)([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
  let open: Element | undefined;
  let last = 0;
  let skip = 0;
  const checkText = (text: string) => {
    if (!open || skip || !visible(decode(text))) return;
    for (let e: Element | undefined = open; e; e = e.parent) if (e.hidden) return;
    for (const dark of [false, true]) {
      const fg = resolve(open, dark, rules, 'colour');
      const bg = resolve(open, dark, rules, 'background') ?? (dark ? undefined : scheme.background);
      if (!fg || !bg) continue;
      const key = `${dark ? 'dark' : 'light'} ${fg} ${bg}`;
      if (found.has(key) || scheme.known.has(`${fg} ${bg}`)) continue;
      const ratio = contrast(fg, bg);
      if (ratio >= 4.5) continue;
      const words = decode(text).trim().replace(/\s+/g, ' ').slice(0, 40);
      found.set(key, {
        severity: 'warning',
        file: where.file,
        field: `variant ${where.variantId}`,
        message: `text "${words}" is ${fg} on ${bg} in the ${dark ? 'dark' : 'light'} scheme, contrast ${ratio.toFixed(2)}:1, below WCAG AA 4.5:1`,
        hint: dark
          ? 'a template of your own writes this colour: write it on an mj-text (color="{{colours.textOnBackground}}"), whose text the dark scheme recolours, or give the element class="rc-text"'
          : 'a template of your own writes this colour: use {{colours.textOnBackground}} on the page, {{colours.text}} on a card',
      });
    }
  };
  for (const match of body.matchAll(tags)) {
    checkText(body.slice(last, match.index));
    last = match.index + match[0].length;
    const [, closing, rawTag, rest] = match;
    const tag = rawTag!.toLowerCase();
    if (tag === 'style' || tag === 'script' || tag === 'head' || tag === 'title') {
      skip += closing ? -1 : 1;
      if (skip < 0) skip = 0;
      continue;
    }
    if (closing) {
      // Close up to the matching element; a stray closing tag closes nothing.
      let e = open;
      while (e && e.tag !== tag) e = e.parent;
      if (e) open = e.parent;
      continue;
    }
    if (VOID.has(tag) || rest!.trimEnd().endsWith('/')) continue;
    open = element(tag, rest!, open);
  }
  return [...found.values()];
}

function element(tag: string, rest: string, parent: Element | undefined): Element {
  const attributes: Record<string, string> = {};
  for (const a of rest.matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    attributes[a[1]!.toLowerCase()] = decode(a[3] ?? a[4] ?? a[5] ?? '');
  }
  const style = declarations(attributes.style ?? '');
  const hidden = style.display === 'none' || style['max-height'] === '0' || style['max-height'] === '0px';
  return {
    tag,
    classes: (attributes.class ?? '').split(/\s+/).filter(Boolean),
    attributes,
    colour: hex(style.color),
    background: hex(style['background-color']) ?? hex(style.background?.split(/\s+/)[0]) ?? hex(attributes.bgcolor),
    hidden,
    parent,
  };
}

/** The nearest colour or background up from `from`: a dark rule, which is !important, wins over the inline style. */
function resolve(
  from: Element,
  dark: boolean,
  rules: readonly DarkRule[],
  what: 'colour' | 'background',
): string | undefined {
  const key = `${dark}${what}`;
  from.resolved ??= {};
  if (key in from.resolved) return from.resolved[key];
  const found = resolveUncached(from, dark, rules, what);
  from.resolved[key] = found;
  return found;
}

function resolveUncached(from: Element, dark: boolean, rules: readonly DarkRule[], what: 'colour' | 'background') {
  for (let e: Element | undefined = from; e; e = e.parent) {
    if (dark) {
      for (let i = rules.length - 1; i >= 0; i--) {
        const value = rules[i]![what];
        if (value && rules[i]!.selectors.some((s) => matches(e!, s))) return value;
      }
    }
    if (e[what]) return e[what];
    // The rest of the way up was worked out for the parent.
    if (e.parent) return resolve(e.parent, dark, rules, what);
  }
  return undefined;
}

function matches(e: Element, compounds: readonly Compound[]): boolean {
  if (!matchesCompound(e, compounds[compounds.length - 1]!)) return false;
  let k = compounds.length - 2;
  for (let up = e.parent; up && k >= 0; up = up.parent) if (matchesCompound(up, compounds[k]!)) k--;
  return k < 0;
}

function matchesCompound(e: Element, c: Compound): boolean {
  if (c.tag && c.tag !== e.tag) return false;
  for (const name of c.classes) if (!e.classes.includes(name)) return false;
  for (const [name, value] of c.attributes) if (e.attributes[name] !== value) return false;
  return true;
}

/** The rules inside `@media (prefers-color-scheme: dark)` that set a colour or a background. */
function darkRules(html: string): DarkRule[] {
  const rules: DarkRule[] = [];
  for (const media of html.matchAll(/@media[^{]*prefers-color-scheme:\s*dark[^{]*\{((?:[^{}]*\{[^{}]*\})*)[^{}]*\}/g)) {
    for (const rule of media[1]!.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
      const style = declarations(rule[2]!);
      const colour = hex(style.color);
      const background = hex(style['background-color']) ?? hex(style.background?.split(/\s+/)[0]);
      if (!colour && !background) continue;
      const selectors = rule[1]!
        .split(',')
        .map((s) => compoundsOf(s.trim()))
        .filter((s): s is Compound[] => s !== undefined);
      rules.push({ selectors, colour, background });
    }
  }
  return rules;
}

function compoundsOf(selector: string): Compound[] | undefined {
  if (!selector || /[>+~:]/.test(selector)) return undefined;
  const compounds: Compound[] = [];
  for (const part of selector.split(/\s+(?![^[]*\])/)) {
    const shape = /^([a-z][\w-]*)?((?:\.[\w-]+|\[[\w-]+="[^"]*"\])*)$/i.exec(part);
    if (!shape) return undefined;
    const classes = [...shape[2]!.matchAll(/\.([\w-]+)/g)].map((m) => m[1]!);
    const attributes = [...shape[2]!.matchAll(/\[([\w-]+)="([^"]*)"\]/g)].map(
      (m) => [m[1]!, m[2]!] as [string, string],
    );
    compounds.push({ tag: shape[1]?.toLowerCase(), classes, attributes });
  }
  return compounds;
}

function declarations(style: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of style.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    out[part.slice(0, colon).trim().toLowerCase()] = part
      .slice(colon + 1)
      .replace(/!important/i, '')
      .trim();
  }
  return out;
}

const NAMED: Readonly<Record<string, string>> = { black: '#000000', white: '#ffffff' };

/** A colour written as hex (or black, white), as #rrggbb; undefined for anything else. */
function hex(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  if (NAMED[v]) return NAMED[v];
  if (/^#[0-9a-f]{6}$/.test(v)) return v;
  if (/^#[0-9a-f]{3}$/.test(v)) return `#${[...v.slice(1)].map((c) => c + c).join('')}`;
  return undefined;
}

/** Whether `text` holds more than white space and the invisible fillers a preheader pads with. */
function visible(text: string): boolean {
  return /\S/.test(text.replace(INVISIBLE, ''));
}

const INVISIBLE = /\u00a0|\u200b|\u200c|\u200d|\u2060|\u034f/g;

function decode(text: string): string {
  return text.replace(/&nbsp;|&#160;|&#xa0;/gi, '\u00a0').replace(/&(?:amp|lt|gt|quot|#39);/g, 'x');
}
