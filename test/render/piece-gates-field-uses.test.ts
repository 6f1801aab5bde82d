import { describe, expect, it } from 'vitest';
import { createFieldTokens, type FieldValues } from '../../src/render/_personal.js';
import { roomFieldUses } from '../../src/render/personal-room.js';
import { createPieceGates } from '../../src/render/piece-gates.js';
import type { GateSegment } from '../../src/render/set-frame-types.js';
import { gateValues } from './_fixtures.js';

/**
 * The size gate's room for each reader's own values counts every place the layout prints them.
 * Counted by the piece gates as they look a role set's pieces up, a kept section's segments, a
 * class segment's lines and a section met twice count as they do in the joined HTML.
 */

const tokens = createFieldTokens('0123456789abcdef');
const { greetingName, sentTo, unsubscribe, preferences, clickVariant } = tokens.sentinel;
const VALUES: FieldValues = gateValues('Y3Rv.abc');

describe('field uses counted by the piece gates', () => {
  const kept: readonly string[] = [`<a href="https://t.example/c?v=${clickVariant}">Read</a>`, '<p>Card</p>'];
  const withFields: readonly string[] = [
    `<p>${unsubscribe}</p>`,
    `<a href="${unsubscribe}">x</a><a href="${preferences}">y</a>`,
  ];
  const lineToken = '__line0__';
  const gates: GateSegment[] = [
    `<p>Hi ${greetingName}</p>`,
    kept,
    withFields,
    { template: `<p>${lineToken} — ${sentTo}</p>`, lines: [`Hello ${greetingName}`], tokenChars: lineToken.length },
    withFields,
    kept,
  ];
  const joined = [
    gates[0] as string,
    ...kept,
    ...withFields,
    `<p>Hello ${greetingName} — ${sentTo}</p>`,
    ...withFields,
    ...kept,
  ];

  it('match a scan of the joined segments, lines and sections met twice included', () => {
    const expected = roomFieldUses({ segments: joined }, tokens);
    expect(expected).toEqual({ greetingName: 2, sentTo: 1, unsubscribe: 4, preferences: 2 });
    const pieceGates = createPieceGates(tokens.split, 'issues/x/issue.json');
    for (let round = 0; round < 2; round++) {
      const { uses } = pieceGates(gates, VALUES, 'v1');
      for (const [name, count] of Object.entries(expected)) expect(uses[name as keyof typeof uses] ?? 0).toBe(count);
      expect(uses.clickVariant).toBe(2);
    }
  });
});
