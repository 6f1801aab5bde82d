/**
 * HTML character references (`&amp;`, `&#8212;`, `&mdash;`) as editors paste them from web pages,
 * RSS feeds and CMS exports: read as the character they name in a Markdown body and in a text
 * summary alike, and in a bounce notice sent as HTML alone. A reference must end in `;` (`AT&T`, `Q&A` and a link's `?a=1&b=2` hold none), and
 * one that would give a character a reader must not be shown stays as written.
 */

const CHARACTER_REFERENCE = /&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/y;
const ANY_REFERENCE = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;

/** The named references editors paste most; any other name stays as written. */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  times: '×',
  divide: '÷',
  plusmn: '±',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  rarr: '→',
  larr: '←',
  asymp: '≈',
  le: '≤',
  ge: '≥',
  ne: '≠',
  szlig: 'ß',
  aelig: 'æ',
  AElig: 'Æ',
  oelig: 'œ',
  OElig: 'Œ',
  oslash: 'ø',
  Oslash: 'Ø',
  eth: 'ð',
  ETH: 'Ð',
  thorn: 'þ',
  THORN: 'Þ',
  iexcl: '¡',
  iquest: '¿',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  micro: 'µ',
  dagger: '†',
  permil: '‰',
};

/** The marks of accented letters' names (`&eacute;`, `&uuml;`, `&ccedil;`), as combining characters. */
const ACCENTS: Record<string, string> = {
  acute: '\u0301',
  grave: '\u0300',
  circ: '\u0302',
  uml: '\u0308',
  tilde: '\u0303',
  cedil: '\u0327',
  ring: '\u030a',
  caron: '\u030c',
};

/** `&eacute;` is é: a letter and its accent, when Unicode has the two as one character. */
function accentedLetter(name: string): string | undefined {
  const found = /^([A-Za-z])(acute|grave|circ|uml|tilde|cedil|ring|caron)$/.exec(name);
  if (!found) return undefined;
  const letter = `${found[1]}${ACCENTS[found[2]!]}`.normalize('NFC');
  return letter.length === 1 ? letter : undefined;
}

/**
 * The character a reference names, or undefined when it names none a reader may be shown: controls,
 * line breaks, bidirectional controls, surrogates and noncharacters stay as written.
 */
function referencedCharacter(decimal: string | undefined, hex: string | undefined, name: string | undefined) {
  if (name !== undefined) return Object.hasOwn(NAMED, name) ? NAMED[name] : accentedLetter(name);
  const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
  if (
    code > 0x10ffff ||
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0xd800 && code <= 0xdfff) ||
    (code >= 0xfdd0 && code <= 0xfdef) ||
    (code & 0xfffe) === 0xfffe ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  )
    return undefined;
  return String.fromCodePoint(code);
}

/** The reference starting at `at` in `text`, with the character it names and where it ends. */
export function characterReferenceAt(text: string, at: number): { character: string; end: number } | undefined {
  CHARACTER_REFERENCE.lastIndex = at;
  const found = CHARACTER_REFERENCE.exec(text);
  if (!found) return undefined;
  const character = referencedCharacter(found[1], found[2], found[3]);
  return character === undefined ? undefined : { character, end: CHARACTER_REFERENCE.lastIndex };
}

/** `text` with each reference read as its character, in one pass: `&amp;lt;` gives `&lt;`. */
export function decodeCharacterReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ANY_REFERENCE, (reference) => characterReferenceAt(reference, 0)?.character ?? reference);
}

/**
 * A JSON summary's or a frontmatter's values with their references read, as a text summary's are:
 * each string, and each string in a list. The names of the fields that held one are returned.
 */
export function decodeFieldReferences(raw: Record<string, unknown>): string[] {
  const changed: string[] = [];
  for (const [field, value] of Object.entries(raw)) {
    if (typeof value === 'string') {
      const decoded = decodeCharacterReferences(value);
      if (decoded !== value) {
        raw[field] = decoded;
        changed.push(field);
      }
    } else if (Array.isArray(value) && value.some((item) => typeof item === 'string' && item.includes('&'))) {
      raw[field] = value.map((item) => (typeof item === 'string' ? decodeCharacterReferences(item) : item));
      changed.push(field);
    }
  }
  return changed;
}
