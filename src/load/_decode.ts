import type { Problem } from '../errors.js';
import { utf16Encoding } from './_utf16.js';

/**
 * Summaries exported from word processors on Windows arrive as Windows-1252; decoding them as
 * UTF-8 would turn every curly quote into U+FFFD. UTF-8 is tried strictly first.
 */
export interface DecodedText {
  text: string;
  legacyEncoding: boolean;
  /** UTF-8 up to its last bytes, which begin a character and end the file: the save was cut short. */
  cutShort?: boolean;
  /** UTF-8 but for a few stray bytes, read as Windows-1252: how many, and the line of the first. */
  strayBytes?: { count: number; firstLine: number };
}

export function decodeText(bytes: Uint8Array): DecodedText {
  // UTF-16 with its byte order mark (Notepad's "Unicode"): read as written, not as Windows-1252.
  const utf16 = utf16Encoding(bytes);
  if (utf16) {
    try {
      return { text: new TextDecoder(utf16, { fatal: true }).decode(bytes), legacyEncoding: false };
    } catch {
      // Not valid UTF-16 after all: the fallback below says the file is not UTF-8.
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), legacyEncoding: false };
  } catch {
    const cut = cutShortUtf8(bytes);
    if (cut !== undefined) return { text: cut, legacyEncoding: false, cutShort: true };
    return decodeMixed(bytes);
  }
}

/**
 * A UTF-8 file whose last character lost its last bytes (a save or copy cut short): the text before
 * it, when that text holds characters written in UTF-8 (`é`, `—`), which Windows-1252 almost never
 * makes. Read as Windows-1252, every other accent and dash would reach readers garbled.
 */
function cutShortUtf8(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return undefined;
  }
  return /[^\x00-\x7f]/.test(text.replace(/^\uFEFF/, '')) ? text : undefined;
}

/** The warnings for a file decoded as `decoded` says: not UTF-8, or cut short inside its last character. */
export function encodingWarnings(decoded: DecodedText, file: string): Problem[] {
  if (decoded.strayBytes) return [strayBytesWarning(file, decoded.strayBytes)];
  if (decoded.legacyEncoding) return [notUtf8Warning(file)];
  if (!decoded.cutShort) return [];
  return [
    {
      severity: 'warning',
      file,
      line: decoded.text.split(/\r\n|\r|\n/).length,
      field: 'file',
      message: 'ends inside a character: its last bytes are the start of one, left out (was the save cut short?)',
      hint: 'check the end of the file and save it again as UTF-8',
    },
  ];
}

/** The warning on a UTF-8 file holding a few bytes that are not: where the first is. */
function strayBytesWarning(file: string, stray: { count: number; firstLine: number }): Problem {
  const bytes =
    stray.count === 1 ? 'a byte that is not UTF-8' : `${stray.count} bytes that are not UTF-8, the first here`;
  return {
    severity: 'warning',
    file,
    line: stray.firstLine,
    field: 'file',
    message: `is UTF-8 but holds ${bytes}; read as Windows-1252 (a character pasted from another program?)`,
    hint: 'check the character on this line and save the file as UTF-8',
  };
}

/** The warning on a file read as Windows-1252 because it was not UTF-8. */
function notUtf8Warning(file: string): Problem {
  return {
    severity: 'warning',
    file,
    line: 1,
    field: 'file',
    message: 'is not UTF-8; read as Windows-1252',
    hint: 'save the file as UTF-8 so quotes and accents survive every tool',
  };
}

/**
 * Windows-1252, keeping well-formed UTF-8 sequences where the file is UTF-8: a UTF-8 file into which
 * one Windows-1252 character was pasted keeps its other accents and dashes, and its byte order mark is
 * dropped rather than read as "ï»¿" in front of the title or "---".
 */
function decodeMixed(bytes: Uint8Array): DecodedText {
  const utf8Marked = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const start = utf8Marked ? 3 : 0;
  const { text: mixed, sequences, stray, firstStray } = readUtf8Kept(bytes, start);
  // A file that says it is UTF-8 (its byte order mark), or whose well-formed UTF-8 characters
  // outnumber its stray bytes two to one, is UTF-8 with a few bytes pasted in. In a plain
  // Windows-1252 file almost every accent stands before a plain letter, so pairs that are also
  // well-formed UTF-8, such as "ß“" (DF 93), stay a few among many stray bytes and are not read so.
  const keepUtf8 = utf8Marked || (sequences >= 2 && sequences >= 2 * stray);
  if (!keepUtf8) return { text: windows1252(bytes, start), legacyEncoding: true };
  if (stray === 0) return { text: mixed, legacyEncoding: true };
  return { text: mixed, legacyEncoding: true, strayBytes: { count: stray, firstLine: lineAt(bytes, firstStray) } };
}

/**
 * The text with well-formed UTF-8 characters kept and every other byte read as Windows-1252, with
 * how many UTF-8 characters of two bytes or more it held, and how many bytes above 0x7F outside any.
 */
function readUtf8Kept(
  bytes: Uint8Array,
  start: number,
): { text: string; sequences: number; stray: number; firstStray: number } {
  const chars: string[] = [];
  let sequences = 0;
  let stray = 0;
  let firstStray = -1;
  let i = start;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    const length = byte >= 0x80 ? utf8SequenceLength(bytes, i) : 0;
    if (length > 0) {
      chars.push(Buffer.from(bytes.buffer, bytes.byteOffset + i, length).toString('utf8'));
      sequences++;
      i += length;
      continue;
    }
    if (byte >= 0x80) {
      if (firstStray < 0) firstStray = i;
      stray++;
    }
    chars.push(windows1252Char(byte));
    i++;
  }
  return { text: chars.join(''), sequences, stray, firstStray };
}

/** Every byte from `start` read as Windows-1252. */
function windows1252(bytes: Uint8Array, start: number): string {
  const chars: string[] = [];
  for (let i = start; i < bytes.length; i++) chars.push(windows1252Char(bytes[i]!));
  return chars.join('');
}

function windows1252Char(byte: number): string {
  return byte >= 0x80 && byte <= 0x9f ? (CP1252_HIGH[byte - 0x80] ?? '') : String.fromCharCode(byte);
}

/** The 1-based line of byte `at`, lines ended by LF, CR LF or a lone CR as the loaders count them. */
function lineAt(bytes: Uint8Array, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

/** The length of the well-formed UTF-8 sequence starting at `at` (RFC 3629 table), or 0. */
function utf8SequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  const next = (k: number, low = 0x80, high = 0xbf) => {
    const b = bytes[at + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (lead >= 0xc2 && lead <= 0xdf) return next(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return next(1, low, high) && next(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const [low, high] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return next(1, low, high) && next(2) && next(3) ? 4 : 0;
  }
  return 0;
}

/**
 * Windows-1252's 0x80–0x9F (Node's decoder treats them as Latin-1 control characters). The five
 * bytes it leaves undefined become U+FFFD: as control characters they would fail a one-line field.
 */
const CP1252_HIGH = [...'€\ufffd‚ƒ„…†‡ˆ‰Š‹Œ\ufffdŽ\ufffd\ufffd‘’“”•–—˜™š›œ\ufffdžŸ'];
