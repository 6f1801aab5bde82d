import { describe, expect, it } from 'vitest';
import { createFieldTokens, escapeHtml, type FieldValues, joinParts } from '../../src/render/_personal.js';
import { sizeCounts } from '../../src/render/encoded-size.js';
import { altProblems, linkProblems } from '../../src/render/link-gates.js';
import { createPieceGates } from '../../src/render/piece-gates.js';
import { gateValues } from './_fixtures.js';

/**
 * The gates of a variant's pieces against the same checks run on the joined, filled HTML: a piece
 * holding the role set's click value is checked once for every role set, by the value's length.
 */

const tokens = createFieldTokens('feedface');
const FILE = 'issues/x/issue.json';

const values = gateValues;

function whole(segments: readonly string[], filled: FieldValues) {
  const html = segments.map((s) => joinParts(tokens.split(s), filled, escapeHtml)).join('');
  const where = { file: FILE, variantId: '' };
  return {
    bytes: Buffer.byteLength(html),
    counts: sizeCounts(html),
    links: linkProblems(html, where),
    alt: altProblems(html, where),
  };
}

describe('piece gates with a role set value in tracked links', () => {
  const { sentinel } = tokens;
  const link = (n: number) =>
    `<a href="https://t.example/c/tok${n}.mac?v=${sentinel.clickVariant}&amp;d=${sentinel.sentAt}">Read ${n}</a>`;
  const segments = [
    `<p>${sentinel.greetingName}, ${sentinel.dateLine}</p>`,
    `<div>${link(1)}${link(2)}<img src="https://t.example/i.png"></div>`,
    `<p>${link(3)} ünï</p>\n<p>${sentinel.sentTo}</p>`,
  ];

  it('add up to the checks of the whole filled HTML, for values of any length, each piece checked once', () => {
    const gates = createPieceGates(tokens.split, FILE);
    for (const value of ['Y3Rv.abc', 'Y3RvK2V4ZWN1dGl2ZQ.0123456789abcdefghijkl', 'x'.repeat(90), 'Y3Rv.abc']) {
      const got = gates(segments, values(value), 'v1');
      const expected = whole(segments, values(value));
      expect({ bytes: got.bytes, counts: got.counts }).toEqual({ bytes: expected.bytes, counts: expected.counts });
      expect(got.alt.map((p) => p.message)).toEqual(expected.alt.map((p) => p.message));
      expect(got.links).toEqual([]);
    }
  });

  it('check a value that is not URL-safe in full, with the value in place', () => {
    const gates = createPieceGates(tokens.split, FILE);
    for (const value of ['a&b"<x>', 'ok.value', 'spaces in it']) {
      const got = gates(segments, values(value), 'v1');
      const expected = whole(segments, values(value));
      expect({ bytes: got.bytes, counts: got.counts }).toEqual({ bytes: expected.bytes, counts: expected.counts });
    }
    // A value at the start of a link decides the link's scheme: never taken by its length.
    const bad = [`<a href="${sentinel.clickVariant}">x</a>`];
    expect(gates(bad, values('javascript:alert(1)'), 'v1').links).toHaveLength(1);
  });
});
