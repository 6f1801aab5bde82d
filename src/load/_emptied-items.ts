/**
 * A list item that held only an image ("- ![diagram](pool.png)") or an embed holds only its marker
 * once they are left out: read on, the marker alone would reach readers as an item of its own ("-").
 */
// "•" too: a list pasted from a word processor keeps its bullets, and is read as a list.
const MARKER_ONLY = /^\s*(?:[-*+•]|\d{1,9}[.)])\s*$/;

/** Whether `prepared` is a list item's marker alone where `written` held more. */
export function emptiedItem(written: string, prepared: string): boolean {
  return MARKER_ONLY.test(prepared) && !MARKER_ONLY.test(written);
}
