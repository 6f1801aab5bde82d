/**
 * Quoted-printable for a piece of a part that is encoded on its own and joined to its neighbours
 * as bytes. Every piece starts at the start of a line and, unless it is the last of its part, ends
 * with a line break (a soft break "=" CRLF when the text does not end with one): so a reader's field
 * spliced between two pieces never shares a line, or an escape, with the fixed text around it.
 * A "." at the start of a line is written as =2E, so the message never needs SMTP dot-stuffing;
 * line breaks are CRLF, lines at most 76 characters, and the output is 7-bit: any server takes it.
 */

const QP_WIDTH = 76;
const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
const EMPTY = Buffer.alloc(0);

export function encodePiece(content: string, last: boolean): Buffer {
  if (!content) return EMPTY;
  const input = Buffer.from(content, 'utf8');
  const out = Buffer.allocUnsafe(input.length * 4 + 3);
  let o = 0;
  let column = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === 13 || byte === 10) {
      if (byte === 13 && input[i + 1] === 10) i++;
      out[o++] = 13;
      out[o++] = 10;
      column = 0;
      continue;
    }
    const next = input[i + 1];
    const lineEnds = next === undefined || next === 13 || next === 10;
    const literal =
      (byte >= 33 && byte <= 126 && byte !== 61 && !(byte === 46 && column === 0)) ||
      ((byte === 32 || byte === 9) && !lineEnds);
    const width = literal ? 1 : 3;
    // Room is kept for the "=" of a soft break.
    if (column + width > QP_WIDTH - 1) {
      out[o++] = 61;
      out[o++] = 13;
      out[o++] = 10;
      column = 0;
      // The line now starts here: a "." would begin it.
      if (byte === 46) {
        out[o++] = 61;
        out[o++] = HEX[2]!;
        out[o++] = HEX[14]!;
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
  if (!last && column > 0) {
    out[o++] = 61;
    out[o++] = 13;
    out[o++] = 10;
  }
  return Buffer.from(out.subarray(0, o));
}

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
