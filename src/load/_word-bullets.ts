/**
 * Word pastes a second-level bullet as the letter "o" (its Courier New circle), indented or before
 * a tab. Under a list with markers such a line is always an item; elsewhere (under a paragraph
 * section's bullets or prose, or in a list written without markers) only when it reads as one: a
 * capital or a digit after the "o", below a line that ends an item or a sentence. Read as text,
 * the "o" reached readers in front of the item ("Measure. o Per endpoint.").
 */

const WORD_SUB_BULLET = /^(?:[ \t]{1,16}o[ \t]{1,16}|o\t[ \t]{0,16})(\S.{0,100000})$/;
/** A line that ends an item or a sentence: what follows it may open an item of its own. */
const ENDS_ITEM = /[.!?:;)”"’]$/u;

/** The item a Word second-level bullet line opens, or undefined when the line is text. */
export function wordSubBulletOf(line: string, above: string | undefined, underMarkedList: boolean): string | undefined {
  const text = WORD_SUB_BULLET.exec(line)?.[1];
  if (text === undefined || underMarkedList) return text;
  if (!/^[\p{Lu}\p{N}]/u.test(text)) return undefined;
  const previous = (above ?? '').trim();
  return ENDS_ITEM.test(previous) || WORD_SUB_BULLET.test(above ?? '') ? text : undefined;
}
