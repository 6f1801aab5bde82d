import { type BounceEvent, emptyHints } from '../../src/bounces/index.js';

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
