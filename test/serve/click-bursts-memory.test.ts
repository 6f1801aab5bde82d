import { describe, expect, it } from 'vitest';
import type { ClickEvent } from '../../src/analytics/store.js';
import { BURST_GAP_MS, burstWatch } from '../../src/serve/click-bursts.js';

/**
 * The scanner-burst watcher kept every client it had seen, with the links it opened and the clicks
 * it counted, until 200,000 were held: a flood of distinct clients (one address, a new user agent
 * each request) grew serve's memory by some 600 MB and never gave it back, though a burst over for
 * two seconds can never be judged again.
 */
const event = (summaryId: string, ms: number): ClickEvent => ({
  issueId: '2026-W48',
  summaryId,
  role: 'CTO',
  variantId: 'cto',
  kind: 'article',
  target: `https://example.com/${summaryId}`,
  at: new Date(ms),
  first: true,
});

describe('the scanner-burst watcher under a flood of distinct clients', () => {
  it('forgets a client once its burst is over, and still finds out a scanner among them', () => {
    const watch = burstWatch(4, 200_000);
    // 10,000 clients, one every millisecond, each opening three stories at once: no scanner.
    let counted = 0;
    for (let c = 0; c < 10_000; c++)
      for (const story of ['a', 'b', 'c'])
        if (watch(`203.0.113.1\nBrowser/${c}\n2026-W48`, story, c, event(story, c)).count) counted += 1;
    expect(counted).toBe(30_000);
    // Only the clients of the last two seconds can still be part of a burst.
    expect(watch.remembered()).toBeLessThanOrEqual(BURST_GAP_MS + 1);
    const later = 10_000 + BURST_GAP_MS;
    watch('198.51.100.9\nBrowser\n2026-W48', 'a', later, event('a', later));
    expect(watch.remembered()).toBe(1);
    // A scanner in the flood is still one: its fourth link takes back its first three.
    const scanner = '198.51.100.10\nBrowser\n2026-W48';
    const verdicts = ['a', 'b', 'c', 'd'].map((story, i) => watch(scanner, story, later + i, event(story, later + i)));
    expect(verdicts.map((v) => v.count)).toEqual([true, true, true, false]);
    expect(verdicts[3]!.withdraw.map((e) => e.summaryId)).toEqual(['a', 'b', 'c']);
  });

  it('keeps a scanner found out while its links go on, past clients that came after it', () => {
    const watch = burstWatch(4, 200_000);
    const scanner = '198.51.100.10\nBrowser\n2026-W48';
    for (const [i, story] of ['a', 'b', 'c', 'd'].entries()) watch(scanner, story, i, event(story, i));
    watch('198.51.100.11\nBrowser\n2026-W48', 'a', 10, event('a', 10));
    // Each link under two seconds after the one before: the scanner's, not counted.
    for (const ms of [1_500, 3_000, 4_500]) expect(watch(scanner, 'e', ms, event('e', ms)).count).toBe(false);
    expect(watch.remembered()).toBe(1);
  });
});
