import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodedBytes } from '../../src/render/personal-room.js';

/** Quoted-printable bytes as first counted: over the UTF-8 octets Node writes for the text. */
function fromOctets(text: string): number {
  let bytes = 0;
  for (const octet of Buffer.from(text)) bytes += octet > 0x7e || octet < 0x20 || octet === 0x3d ? 3 : 1;
  return bytes;
}

const unit = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
);

describe('the room counted for a reader’s own values', () => {
  it('counts the encoded bytes of any text as its UTF-8 octets give them, lone surrogates too', () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), (units) => {
        const text = units.join('');
        expect(encodedBytes(text)).toBe(fromOctets(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['\ud800', '\udc00', '\ud800x', '\udc00\ud800', 'a\u{1f600}=\u2066é\u{1d54f}', '']) {
      expect(encodedBytes(text)).toBe(fromOctets(text));
    }
  });
});
