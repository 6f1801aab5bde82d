import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSubscribers, parseSubscribersCsv } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A list merged into itself (every address again, in other case): the first duplicates are named
 * one by one, and the rest are one warning with their count, so they do not bury the list's other
 * problems. Only the first of each address is used, as before.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a list with many duplicate addresses', () => {
  it('names the first ten and counts the rest in one warning, in CSV', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `reader${i}@example.com,CTO`);
    const again = Array.from({ length: 30 }, (_, i) => `Reader${i}@EXAMPLE.com,CTO`);
    const csv = `email,roles\n${[...rows, ...again, 'last@example.com,CTX'].join('\n')}\n`;
    const { subscribers, problems } = parseSubscribersCsv(csv, 'list.csv', taxonomy);
    expect(subscribers).toHaveLength(31);
    const lines = problems.map(formatProblem);
    expect(lines.filter((line) => line.includes('duplicate of entry'))).toHaveLength(10);
    expect(lines[0]).toMatch(/^list\.csv:32: warning: \[30\]\.email: duplicate of entry \[0\]; only the first is used/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^list\.csv:42: warning: \[40\]\.email: and 20 more duplicates of earlier entries from here on \(30 in all\)/,
      ),
    );
    // The list's other problems are still there to see.
    expect(lines).toContainEqual(expect.stringMatching(/unknown role "CTX"/));
    expect(lines).toHaveLength(12);
  });

  it('does the same in JSON, and a later duplicate saying unsubscribed is still an error each', () => {
    const entries = [
      ...Array.from({ length: 15 }, (_, i) => ({ email: `r${i}@example.com`, roles: ['CTO'] })),
      ...Array.from({ length: 15 }, (_, i) => ({ email: `R${i}@example.com`, roles: ['CTO'] })),
      { email: 'r0@EXAMPLE.com', roles: ['CTO'], status: 'unsubscribed' },
    ];
    const { subscribers, problems } = parseSubscribers(JSON.stringify(entries), 'list.json', taxonomy);
    expect(subscribers).toHaveLength(15);
    const lines = problems.map(formatProblem);
    expect(lines.filter((line) => line.includes('duplicate of entry [') && line.includes('warning'))).toHaveLength(10);
    expect(lines).toContainEqual(expect.stringMatching(/\[25\]\.email: and 5 more duplicates .*\(15 in all\)/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^list\.json:1: \[30\]\.status: duplicate of entry \[0\], which is not unsubscribed/),
    );
  });
});
