/**
 * The singular spellings a plural role may stand for, plural word by word: "CTOs" → "CTO",
 * "Product managers" → "Product manager", "VPs of Engineering" → "VP of Engineering". Editors
 * write the readers a summary is for ("Best for: CTOs"); the taxonomy lists one of each role.
 * Only spellings the taxonomy knows are used, so an "s" that belongs to a word changes nothing.
 */
export function singularForms(role: string): string[] {
  const words = role.trim().split(/\s+/);
  if (words.length > 8) return [];
  const forms: string[] = [];
  for (const [index, word] of words.entries()) {
    for (const singular of singularsOf(word)) {
      forms.push([...words.slice(0, index), singular, ...words.slice(index + 1)].join(' '));
    }
  }
  return forms;
}

function singularsOf(word: string): string[] {
  // An acronym's plural keeps the letters before a lower-case "s" ("CTOs", "PMs", "VPs"), also
  // with an apostrophe ("CTO's" as some write it).
  const acronym = /^(\p{Lu}[\p{Lu}\d/&-]*)['’]?s$/u.exec(word);
  if (acronym) return [acronym[1]!];
  if (!/^\p{L}[\p{L}/-]*s$/iu.test(word) || word.length < 3) return [];
  const forms = [word.slice(0, -1)];
  if (/ies$/i.test(word)) forms.push(`${word.slice(0, -3)}y`);
  if (/(?:ch|sh|ss|x|z)es$/i.test(word)) forms.push(word.slice(0, -2));
  return forms;
}
