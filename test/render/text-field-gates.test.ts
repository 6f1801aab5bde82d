import { describe, expect, it } from 'vitest';
import { createFieldTokens, escapeHtml, type FieldValues, joinParts } from '../../src/render/_personal.js';
import { sizeCounts } from '../../src/render/encoded-size.js';
import { altProblems, linkProblems } from '../../src/render/link-gates.js';
import { createPieceGates } from '../../src/render/piece-gates.js';
import { createTextFields } from '../../src/render/text-field-gates.js';

/**
 * A piece whose "sent to" line names the role set's roles is checked once, with the line as its
 * token, and the line adds its own size: the gates still add up to the checks of the whole filled
 * HTML for every role set, and a value that could touch a link or an image is checked in place.
 */

const tokens = createFieldTokens('c0ffee00');
const { sentinel } = tokens;
const FILE = 'issues/x/issue.json';

function values(sentTo: string): FieldValues {
  return {
    greetingName: 'Ana',
    dateLine: 'Week 48',
    sentTo,
    unsubscribe: 'https://t.example/u?token=abc',
    preferences: 'https://t.example/p',
    viewOnline: 'https://t.example/archive/',
    sentAt: 'sj2k1a',
    clickVariant: '',
  };
}

function whole(segments: readonly string[], filled: FieldValues) {
  const html = segments.map((s) => joinParts(tokens.split(s), filled, escapeHtml)).join('');
  const where = { file: FILE, variantId: '' };
  return {
    bytes: Buffer.byteLength(html),
    counts: sizeCounts(html),
    links: linkProblems(html, where).map((p) => p.message),
    alt: altProblems(html, where).map((p) => p.message),
  };
}

const footer = `<p>${sentinel.sentTo}</p><a href="${sentinel.unsubscribe}">Unsubscribe</a> · <a href="${sentinel.preferences}">Preferences</a><img src="https://t.example/l.png">`;

describe('a field in a piece’s text', () => {
  it('is told apart from one in a link, an image or before an attribute’s "="', () => {
    const fields = createTextFields(sentinel);
    expect(fields(footer, tokens.split(footer))).toEqual([true, false, false]);
    const inImage = `<img alt="${sentinel.sentTo}" src="https://t.example/i.png">`;
    expect(fields(inImage, tokens.split(inImage))).toEqual([false]);
    const beforeEquals = `<p ${sentinel.sentTo}="x">y</p>`;
    expect(fields(beforeEquals, tokens.split(beforeEquals))).toEqual([false]);
    const unquoted = `<a href=https://t.example/${sentinel.sentTo}>x</a>`;
    expect(fields(unquoted, tokens.split(unquoted))).toEqual([false]);
  });

  it('adds up to the checks of the whole filled HTML for every role set’s line', () => {
    const gates = createPieceGates(tokens.split, FILE, sentinel);
    const segments = [`<p>Hi ${sentinel.greetingName}</p>`, footer];
    for (const line of [
      'Sent to ana@example.com because you chose CTO',
      'Sent to ana@example.com because you chose Sécurité, Финансы, 研究 and 𝕏',
      'Sent to a+b@example.com because you chose R&D <Ops> "quoted"',
      'Sent to x@example.com because you chose  href=javascript:alert(1)',
      'Sent to ana@example.com because you chose CTO',
    ]) {
      const got = gates(segments, values(line), 'v1');
      const expected = whole(segments, values(line));
      expect({
        bytes: got.bytes,
        counts: got.counts,
        links: got.links.map((p) => p.message),
        alt: got.alt.map((p) => p.message),
      }).toEqual(expected);
    }
  });

  it('a line that spells a link attribute is checked in place and its problem named', () => {
    const gates = createPieceGates(tokens.split, FILE, sentinel);
    const got = gates([footer], values('see  href=javascript:alert(1)'), 'v1');
    expect(got.links.map((p) => p.message)).toEqual(['href "javascript:alert(1)</p" is not an http(s) or mailto link']);
  });
});
