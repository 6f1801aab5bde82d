import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { messageIdFor } from '../../src/send/message.js';
import { quotedPrintable } from '../../src/send/mime.js';
import { encodePiece, encodePieces, encodeQp } from '../../src/send/wire/qp.js';

/**
 * The encoders and ids of the send path against the plain forms they replaced: the same bytes for
 * any input, so a message built the fast way is the message built the slow way.
 */

const QP_WIDTH = 76;
const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
const PRINTABLE = new Uint8Array(256);
for (let byte = 33; byte <= 126; byte++) if (byte !== 61) PRINTABLE[byte] = 1;

/** The quoted-printable encoder as it was written first: one decision per byte. */
function referenceEncode(
  input: Buffer,
  length: number,
  out: Buffer,
  offset: number,
  options: { dots: boolean; open: boolean },
): number {
  let o = offset;
  let column = 0;
  const dots = options.dots;
  for (let i = 0; i < length; i++) {
    const byte = input[i]!;
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

function reference(content: string, options: { dots: boolean; open: boolean }): string {
  const input = Buffer.from(content, 'utf8');
  const out = Buffer.alloc(input.length * 6 + 16);
  return out.subarray(0, referenceEncode(input, input.length, out, 0, options)).toString('latin1');
}

// Long runs of plain characters (links, names) are where the encoder takes its shortcut: runs of
// every length around the 75-column limit, next to dots, spaces, "=", breaks and non-ASCII.
const unit = fc.oneof(
  fc.constantFrom('.', ' ', '\t', '\n', '\r\n', '\r', '=', 'ü', '😀', '\u0000', '\u007f', '~', '!'),
  fc.integer({ min: 1, max: 160 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 90 }).map((n) => `${'a'.repeat(n)}.`),
);
const text = fc.array(unit, { maxLength: 12 }).map((units) => units.join(''));

describe('the quoted-printable encoder', () => {
  it('writes byte for byte what the one-decision-per-byte encoder writes, with either option', () => {
    fc.assert(
      fc.property(text, fc.boolean(), fc.boolean(), (content, dots, open) => {
        expect(encodeQp(content, { dots, open }).toString('latin1')).toBe(reference(content, { dots, open }));
      }),
      { numRuns: 2000 },
    );
  });

  it("writes a reader's pieces, a whole part and a link as the reference does", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 6 }), (pieces) => {
        const contents = pieces.map((p, i) => ({ text: p, last: i === pieces.length - 1 }));
        const expected = contents.map((c) => reference(c.text, { dots: true, open: !c.last }));
        expect(encodePieces(contents).map((b) => b.toString('latin1'))).toEqual(expected);
        expect(contents.map((c) => encodePiece(c.text, c.last).toString('latin1'))).toEqual(expected);
        const whole = pieces.join('');
        expect(quotedPrintable(whole)).toBe(reference(whole, { dots: false, open: false }));
      }),
      { numRuns: 500 },
    );
    // Pieces far past the encoder's first scratch space, in characters of every UTF-8 length.
    const long = ['€'.repeat(9000), '😀'.repeat(5000), 'ü a.'.repeat(7000)];
    const longContents = long.map((p, i) => ({ text: p, last: i === long.length - 1 }));
    expect(encodePieces(longContents).map((b) => b.toString('latin1'))).toEqual(
      longContents.map((c) => reference(c.text, { dots: true, open: !c.last })),
    );
    const link = `https://rolecast.example/unsubscribe?token=${'Wy'.repeat(60)}.${'_A'.repeat(30)}`;
    expect(encodePiece(link, false).toString('latin1')).toBe(reference(link, { dots: true, open: true }));
  });
});

describe('Message-IDs', () => {
  it('are the SHA-256 of list, issue, address and salt, as a Hash object writes it', () => {
    const config = { listId: 'weekly.rolecast.example', sender: { email: 'news@rolecast.example' } } as ResolvedConfig;
    fc.assert(
      fc.property(fc.emailAddress(), fc.string(), fc.constantFrom('2026-W48', '2026 W49/ü'), (email, salt, issue) => {
        const hash = createHash('sha256')
          .update(`${config.listId}\0${issue}\0${canonicalAddress(email)}\0${salt}`)
          .digest('base64url');
        const slug = issue.replace(/[^A-Za-z0-9.-]+/g, '-');
        expect(messageIdFor(config, issue, email, salt)).toBe(`<${slug}.${hash.slice(0, 22)}@rolecast.example>`);
      }),
      { numRuns: 300 },
    );
  });
});
