import { describe, expect, it } from 'vitest';
import { addressProblem, canonicalAddress, isValidAddress } from '../../src/address.js';
import { formatProblem } from '../../src/errors.js';
import { parseSubscribersCsv } from '../../src/load/subscribers.js';
import { email } from '../../src/model/_fields.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * `a%b@relay.example` is routed by old servers on to host `b`: a reader recorded under one address
 * would be mailed at another. Subscriber lists and signups (the `email` schema) refuse it, naming
 * the line; an address stored before may still be suppressed or removed. Dots out of place
 * (`a..b@`, `.a@`), which Japanese mobile carriers gave out, are kept.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a % in the local part', () => {
  it('is refused in a subscriber list, naming the line and the rule', () => {
    const csv = 'email,roles\nok@example.com,CTO\nann%evil.example@relay.example,CTO\n';
    const { subscribers, problems } = parseSubscribersCsv(csv, 'list.csv', taxonomy);
    expect(subscribers.map((s) => s.email)).toEqual(['ok@example.com']);
    const [problem] = problems.filter((p) => p.severity === 'error').map(formatProblem);
    expect(problem).toMatch(/^list\.csv:3: .*has a % before the @, which old mail servers read as a route/);
  });

  it('is refused where a reader signs up', () => {
    expect(email.safeParse('ann%evil.example@relay.example').success).toBe(false);
    expect(addressProblem('a%b@x.example')?.message).toContain('has a % before the @');
  });

  it('may still be suppressed or removed, under the key it was stored under', () => {
    expect(isValidAddress('Ann%B@X.example', { anyLength: true })).toBe(true);
    expect(canonicalAddress('Ann%B@X.example')).toBe(canonicalAddress('ann%b@x.example'));
  });

  it('dots out of place, as carriers gave them out, are kept', () => {
    for (const address of ['a..b@docomo.ne.jp', '.a@ezweb.ne.jp', 'a.@docomo.ne.jp'])
      expect(addressProblem(address)).toBeUndefined();
  });
});
