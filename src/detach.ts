/**
 * A copy of `text` that does not keep the string it was cut from alive: a substring taken with a
 * regex or `slice` (a CSV cell, a piece of template output) holds its whole source for as long as
 * it lives, and kept strings (cached pieces, a list's readers) live long.
 */
export function detach(text: string): string {
  // V8 copies short slices anyway; a longer one is copied flat, then cut from the copy.
  return text.length < 13 ? text : ` ${text}`.slice(1);
}
