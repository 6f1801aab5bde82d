/**
 * The one quoted-printable encoder (RFC 2045 §6.7): line breaks become CRLF, bytes outside
 * printable ASCII (and "=") become =XX, a space or tab before a line end is encoded, and soft
 * breaks ("=" CRLF) keep every line within 76 characters without splitting an escape. Output is
 * 7-bit, so any server takes it. Two options serve the spliced wire path (see prepare.ts):
 * `dots` writes a "." at the start of a line as =2E, so the message never needs SMTP
 * dot-stuffing; `open` ends the output with a line break (a soft one when the text does not end
 * with one), so a reader's field spliced after it never shares a line, or an escape, with it.
 */

export interface QpOptions {
  /** Escape a "." at the start of a line as =2E. */
  dots: boolean;
  /** More follows in the same part: end on a line break. */
  open: boolean;
}

const QP_WIDTH = 76;
const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
const EMPTY = Buffer.alloc(0);
/** 1 for the bytes written as they are wherever they stand: printable ASCII but "=". */
const PRINTABLE = new Uint8Array(256);
for (let byte = 33; byte <= 126; byte++) if (byte !== 61) PRINTABLE[byte] = 1;

/** Reused between calls: the input bytes and the worst-case output of one encode. */
let scratchIn = Buffer.allocUnsafe(16 * 1024);
let scratchOut = Buffer.allocUnsafe(64 * 1024 + 3);

/** Encodes `content` into `out` from `offset`; returns the offset after the last byte written. */
function encodeBytes(input: Buffer, length: number, out: Buffer, offset: number, options: QpOptions): number {
  let o = offset;
  let column = 0;
  const dots = options.dots;
  for (let i = 0; i < length; i++) {
    let byte = input[i]!;
    // A run of bytes written as they are, while the line has room: most of a link or a name. The
    // loop below writes them the same way, one decision at a time.
    if (PRINTABLE[byte] === 1 && (column > 0 || byte !== 46 || !dots)) {
      const stop = Math.min(i + (QP_WIDTH - 1 - column), length);
      const from = i;
      while (i < stop && PRINTABLE[byte] === 1) {
        out[o++] = byte;
        byte = input[++i]!;
      }
      column += i - from;
      if (i === length) break;
    }
    if (byte === 13 || byte === 10) {
      if (byte === 13 && i + 1 < length && input[i + 1] === 10) i++;
      out[o++] = 13;
      out[o++] = 10;
      column = 0;
      continue;
    }
    let literal: boolean;
    if (PRINTABLE[byte] === 1) literal = !(dots && byte === 46 && column === 0);
    else if (byte === 32 || byte === 9) {
      // White space stays literal unless it ends a line (or the input).
      const next = i + 1 < length ? input[i + 1]! : -1;
      literal = next !== -1 && next !== 13 && next !== 10;
    } else literal = false;
    const width = literal ? 1 : 3;
    // Room is kept for the "=" of a soft break.
    if (column + width > QP_WIDTH - 1) {
      out[o++] = 61;
      out[o++] = 13;
      out[o++] = 10;
      column = 0;
      // The line now starts here: a "." would begin it.
      if (dots && byte === 46) {
        out[o++] = 61;
        out[o++] = 50; // "2"
        out[o++] = 69; // "E"
        column = 3;
        continue;
      }
    }
    if (literal) out[o++] = byte;
    else {
      out[o++] = 61;
      out[o++] = HEX[byte >> 4]!;
      out[o++] = HEX[byte & 15]!;
    }
    column += width;
  }
  if (options.open && column > 0) {
    out[o++] = 61;
    out[o++] = 13;
    out[o++] = 10;
  }
  return o;
}

/** The encoded bytes of `content`, in a buffer of their own. */
export function encodeQp(content: string, options: QpOptions): Buffer {
  if (!content) return EMPTY;
  const length = Buffer.byteLength(content, 'utf8');
  if (scratchIn.length < length) scratchIn = Buffer.allocUnsafe(length * 2);
  scratchIn.write(content, 0, 'utf8');
  const worst = length * 3 + 3 * Math.ceil((length * 3) / (QP_WIDTH - 4)) + 3;
  if (scratchOut.length < worst) scratchOut = Buffer.allocUnsafe(worst * 2);
  const end = encodeBytes(scratchIn, length, scratchOut, 0, options);
  return Buffer.from(scratchOut.subarray(0, end));
}

/** A piece of a part for splicing: "." escaped at line starts, a line break at the end unless `last`. */
export function encodePiece(content: string, last: boolean): Buffer {
  return encodeQp(content, { dots: true, open: !last });
}

/**
 * Encodes several pieces into one buffer (one allocation per message instead of one per field);
 * returns a view per piece, in order.
 */
export function encodePieces(contents: readonly { text: string; last: boolean }[]): Buffer[] {
  // A bound, not a count: a UTF-16 unit is at most 3 bytes of UTF-8, and measuring costs a pass.
  let units = 0;
  for (const { text } of contents) units += text.length;
  const total = units * 3;
  if (scratchIn.length < total) scratchIn = Buffer.allocUnsafe(total * 2);
  const worst = total * 3 + 3 * Math.ceil((total * 3) / (QP_WIDTH - 4)) + 3 * (contents.length + 1);
  if (scratchOut.length < worst) scratchOut = Buffer.allocUnsafe(worst * 2);
  const ends: number[] = [];
  let o = 0;
  for (const { text, last } of contents) {
    const length = text ? scratchIn.write(text, 0, 'utf8') : 0;
    o = encodeBytes(scratchIn, length, scratchOut, o, last ? PIECE_LAST : PIECE_OPEN);
    ends.push(o);
  }
  // A few hundred bytes per reader: from Node's shared pool, not an allocation of their own.
  const all = Buffer.allocUnsafe(o);
  scratchOut.copy(all, 0, 0, o);
  let start = 0;
  return ends.map((end) => {
    const piece = all.subarray(start, end);
    start = end;
    return piece;
  });
}

const PIECE_OPEN: QpOptions = { dots: true, open: true };
const PIECE_LAST: QpOptions = { dots: true, open: false };

/**
 * RFC 6376 §3.4.4 relaxed body canonicalisation of a piece that starts a line and ends one (or
 * ends a part without trailing white space, as encodePiece's output does): runs of white space
 * become one space and white space before a line break goes.
 */
export function relaxedPiece(piece: Buffer): Buffer {
  // QP output is 7-bit, so latin1 is a lossless byte view.
  const text = piece.toString('latin1');
  if (!/[ \t]{2}|\t|[ \t]\r\n/.test(text)) return piece;
  return Buffer.from(text.replace(/[ \t]+\r\n/g, '\r\n').replace(/[ \t]+/g, ' '), 'latin1');
}
