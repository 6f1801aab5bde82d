/**
 * Text from content, subscriber files, state files and requests is shown on a terminal. Control
 * characters in it could clear the screen, move the cursor, rewrite earlier lines or reverse the
 * text that follows (bidi overrides), so they are shown as escapes instead: ESC as `\x1b`, CR as
 * `\r`, U+202E as `\u202e`.
 */

// C0 and DEL, C1, the line and paragraph separators, the bidi embedding, override and isolate
// marks, and the invisible zero-width space, word joiner and BOM (which make "CTO\u200b" print as "CTO").
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
// The same, except the newline and tab that a printed line may carry on purpose.
const UNSAFE_IN_LINE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return (
    NAMED[char] ??
    (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
  );
}

/** One value, made safe to print: every control character visible, so it stays on its line. */
export function printable(value: unknown): string {
  return String(value).replace(UNSAFE, visible);
}

/**
 * A whole line (or several) about to be written: newlines and tabs kept, every other control
 * character shown as a `\uXXXX` escape, which is also valid inside a JSON string, so `--json`
 * output parses to the same values.
 */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_IN_LINE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
