/**
 * Cyrillic and Greek letters drawn like Latin ones, as a role pasted from another keyboard layout
 * or a copied page writes them ("СТО" in Cyrillic for CTO): the same on screen, another role to
 * the taxonomy, so a hint names the role it looks like.
 */
const LOOK_ALIKES: Record<string, string> = {
  А: 'A',
  В: 'B',
  С: 'C',
  Е: 'E',
  Н: 'H',
  І: 'I',
  Ј: 'J',
  К: 'K',
  М: 'M',
  О: 'O',
  Р: 'P',
  Ѕ: 'S',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  а: 'a',
  с: 'c',
  е: 'e',
  і: 'i',
  ј: 'j',
  о: 'o',
  р: 'p',
  ѕ: 's',
  х: 'x',
  у: 'y',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  ο: 'o',
  ν: 'v',
};

const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/** The role with look-alike letters written as the Latin letters they look like; undefined when it has none. */
export function asLatinLetters(role: string): string | undefined {
  const latin = role.replace(LOOK_ALIKE, (letter) => LOOK_ALIKES[letter]!);
  return latin === role ? undefined : latin;
}
