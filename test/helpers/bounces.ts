import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BounceEvent, emptyHints } from '../../src/bounces/index.js';
import { REPO_ROOT } from './project.js';

/** A hard bounce (5.1.1 user unknown) or an abuse complaint, tied to its message by Message-ID. */
export function bounceEvent(
  kind: BounceEvent['kind'],
  address: string,
  id: string,
  messageId: string,
  at: Date,
): BounceEvent {
  return {
    eventId: id,
    kind,
    address,
    status: kind === 'hard' ? '5.1.1' : undefined,
    diagnostic: kind === 'hard' ? '550 5.1.1 user unknown' : 'complaint (feedback type abuse)',
    source: 'import:test',
    at,
    hints: { ...emptyHints(), messageIds: [messageId] },
  };
}

const POSTFIX_HARD = readFileSync(join(REPO_ROOT, 'test/bounces/fixtures/postfix-hard.eml'), 'latin1');

/** An mbox of Postfix hard bounces, one per reader, each a report of its own. */
export function hardBounceMbox(readers: readonly string[]): string {
  return readers
    .map((email, i) => {
      const report = POSTFIX_HARD.replaceAll('gone.reader@example.org', email)
        .replaceAll('4F1A23C0123', `4F1A23C${String(1000 + i)}`)
        .replaceAll('postfixfixture000000000', `postfixfixture${String(100000000 + i)}`);
      return `From MAILER-DAEMON Mon Nov 30 08:12:45 2026\n${report.replace(/^From /gm, '>From ')}\n`;
    })
    .join('');
}

/** One list, its sender, an issue and a reader of it, for reports tied to this list's mail without VERP. */
export const LIST_MAIL = {
  listId: 'weekly.rolecast.example',
  sender: 'digest@rolecast.example',
  issue: '2026-W48',
  reader: 'reader@example.org',
  now: new Date('2026-12-01T12:00:00Z'),
} as const;
