import { describe, expect, it } from 'vitest';
import { createFieldTokens } from '../../src/render/_personal.js';
import { createPieceGates } from '../../src/render/piece-gates.js';
import { gateValues } from './_fixtures.js';

/**
 * A kept section's segments handed to the gates as one run (the same array for every role set that
 * shows the section) against the same segments handed one by one: the same sizes, counts and
 * problems, whatever the role set's click value and wherever the run holds a reader's field.
 */

const tokens = createFieldTokens('c0ffee');
const FILE = 'issues/x/issue.json';
const { sentinel } = tokens;

const values = gateValues;

const link = (n: number) => `<a href="https://t.example/c/tok${n}.mac?v=${sentinel.clickVariant}">Read ${n}</a>`;
const plainRun = ['<h2>For CTOs · 2 reads</h2>', '<p>Caching ünï</p>\n<img src="https://t.example/i.png">'];
const clickRun = [`<div>${link(1)}</div>`, '<p>between</p>', `<div>${link(2)}${link(3)}</div>`];
const fieldRun = ['<p>one</p>', `<p>${sentinel.sentTo}</p>`, `<div>${link(4)}</div>`];
const badRun = ['<a href="javascript:void(0)">x</a>', '<img src="https://t.example/x.png">'];

function gatesOf(result: ReturnType<ReturnType<typeof createPieceGates>>) {
  return { bytes: result.bytes, counts: result.counts, links: result.links, alt: result.alt };
}

describe('gates of a kept section handed over as one run', () => {
  for (const value of ['Y3Rv.abc', 'Y3RvK2V4ZWN1dGl2ZQ.0123456789abcdefghijkl', '', 'a&b"<x>']) {
    it(`match its segments one by one for the click value "${value}"`, () => {
      const byRun = createPieceGates(tokens.split, FILE);
      const bySegment = createPieceGates(tokens.split, FILE);
      const runs = [plainRun, clickRun, fieldRun, badRun];
      const head = `<p>${sentinel.greetingName}</p>`;
      // Twice, as two role sets showing the same sections: the second reads what the first kept.
      for (const variantId of ['v1', 'v2']) {
        const got = byRun([head, ...runs], values(value), variantId);
        const expected = bySegment([head, ...runs.flat()], values(value), variantId);
        expect(gatesOf(got)).toEqual(gatesOf(expected));
        expect(got.links.map((p) => p.field)).toEqual([`variant ${variantId}`]);
        expect(got.alt.map((p) => p.field)).toEqual([`variant ${variantId}`, `variant ${variantId}`]);
      }
    });
  }

  it('add a signed click value once per link it fills in', () => {
    const gates = createPieceGates(tokens.split, FILE);
    const short = gates([clickRun], values('Y3Rv.abc'), 'v1');
    const long = gates([clickRun], values('Y3Rv.abcdef'), 'v2');
    expect(long.bytes - short.bytes).toBe(3 * 3);
    expect(long.counts.length - short.counts.length).toBe(3 * 3);
  });
});
