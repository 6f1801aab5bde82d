import type { BounceKind } from './types.js';

/**
 * Hard or soft. A 5.x.x status is permanent (RFC 3463); so is any failure whose words say the
 * mailbox does not exist, whatever code came with it — some servers answer 4xx for an unknown user,
 * and reports written by hand (Yahoo's, qmail's) carry only a basic SMTP code or none.
 */

const MAILBOX_UNKNOWN =
  /\b(?:no such (?:user|mailbox|recipient|address)|(?:user|mailbox|recipient|address|account)(?: name)? (?:is )?(?:unknown|not found|does not exist|doesn't exist|invalid|disabled|deactivated|inactive)|(?:unknown|invalid) (?:user|mailbox|recipient|address)|does not exist|doesn't have an? [\w.-]{1,64} account|recip(?:ient)?notfound|account (?:has been )?(?:disabled|closed|deactivated))\b/i;

/** RFC 3463 enhanced status code anywhere in the text, e.g. `550 5.1.1 <x>: …` → `5.1.1`. */
export function findStatus(text: string): string | undefined {
  const enhanced = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(text);
  if (enhanced) return `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}`;
  // Only a basic reply code: its class is all it tells.
  const basic = /(?:^|[\s:;'"(])([45])\d\d(?=[\s:;-]|$)/m.exec(text);
  return basic ? `${basic[1]}.0.0` : undefined;
}

export function saysMailboxUnknown(text: string): boolean {
  return MAILBOX_UNKNOWN.test(text);
}

/** The kind of a failed delivery from its status code and diagnostic text. */
export function classifyFailure(status: string | undefined, diagnostic: string): Exclude<BounceKind, 'complaint'> {
  if (status?.startsWith('5')) return 'hard';
  return saysMailboxUnknown(diagnostic) ? 'hard' : 'soft';
}
