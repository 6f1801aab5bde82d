import { canonicalAddress } from '../address.js';
import { printable } from '../printable.js';
import type { RecipientList } from './plan.js';

/** Addresses named in the note; the rest are counted. */
const NAMED = 10;

/**
 * The line that says which readers this run sends a message an earlier run may already have
 * delivered (its whole body went out and the server never answered): they may get a second
 * copy, with the same Message-ID. Undefined when the run sends none of them.
 */
export function maybeDeliveredNote(
  maybeDelivered: readonly string[],
  sending: RecipientList,
  dryRun: boolean,
): string | undefined {
  if (maybeDelivered.length === 0) return undefined;
  const owed = new Set(maybeDelivered);
  const again: string[] = [];
  for (const { subscriber } of sending) if (owed.has(canonicalAddress(subscriber.email))) again.push(subscriber.email);
  if (again.length === 0) return undefined;
  const named = again.slice(0, NAMED).map(printable).join(', ');
  const more = again.length > NAMED ? ` and ${again.length - NAMED} more` : '';
  const readers = again.length === 1 ? '1 reader' : `${again.length} readers`;
  const verb = dryRun ? 'a real run would send' : 'sending';
  return `notice: ${verb} again to ${readers} whose message an earlier run may have delivered (the whole message went out and the server never answered): they may get a second copy, with the same Message-ID — ${named}${more} ("rolecast status" lists them as deferred)`;
}
