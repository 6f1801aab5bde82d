import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';

/**
 * A plain-text notice from a postmaster is judged for a challenge-response filter's ask with the
 * subjects it quotes set aside, each by a pattern of its own. Every `Subject:` line of the message
 * was taken as a quoted subject, so a large message (a long thread returned whole, or one written to
 * stall the import) cost two patterns per line, each run over the notice's first 4,000 characters:
 * 44 MB of such lines held `bounces import` for six minutes. Only the first few distinct subjects are
 * set aside now; what a notice holds is read as before.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const notice = (lines: string[]) =>
  [
    'From: Postmaster <postmaster@corp.example>',
    'To: digest-bounces@rolecast.example',
    'Subject: Undeliverable: This week: approved senders and DMARC',
    'Message-ID: <many-subjects@corp.example>',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Delivery has failed to these recipients:',
    '',
    'gone@corp.example',
    'The mailbox is unknown: the e-mail address you entered could not be found.',
    '',
    'Subject: This week: approved senders and DMARC',
    ...lines,
    '',
  ].join('\r\n');

/** Patterns built while reading the message: the work that grew with its Subject: lines. */
function patternsBuilt(raw: string): { built: number; kinds: string[] } {
  const original = globalThis.RegExp;
  let built = 0;
  globalThis.RegExp = new Proxy(original, {
    construct(target, args: [string | RegExp, string?]) {
      built++;
      return new target(...args);
    },
  });
  try {
    const { events } = readReport(raw, 'import:x', NOW);
    return { built, kinds: events.map((e) => `${e.address} ${e.kind}`) };
  } finally {
    globalThis.RegExp = original;
  }
}

describe('a notice quoting many Subject: lines', () => {
  it('builds as many patterns for 5,000 lines as for one, and still reads the bounce', () => {
    const one = patternsBuilt(notice([]));
    const many = patternsBuilt(notice(Array.from({ length: 5000 }, (_, i) => `Subject: thread message ${i}`)));
    expect(one.kinds).toEqual(['gone@corp.example hard']);
    expect(many.kinds).toEqual(['gone@corp.example hard']);
    expect(many.built).toBeLessThanOrEqual(one.built + 64);
  });

  it('still sets aside the quoted subject when many come after it', () => {
    const repeated = Array.from({ length: 500 }, () => 'Subject: This week: approved senders and DMARC');
    expect(patternsBuilt(notice(repeated)).kinds).toEqual(['gone@corp.example hard']);
  });
});
