import { readFile, writeFile } from 'node:fs/promises';
import { canonicalAddress } from '../../../src/address.js';
import type { TestSmtpServer } from '../../helpers/smtp.js';

/** The reader added to the list before a resend resumes, so it resumes under another plan. */
export const LATE_JOINER = 'late.joiner@example.test';

/** Adds LATE_JOINER to the subscribers file: the resumed resend writes a new plan from the ledger. */
export async function addLateJoiner(subscribersFile: string): Promise<void> {
  const list = JSON.parse(await readFile(subscribersFile, 'utf8'));
  list.subscribers.push({ email: LATE_JOINER, name: 'Late Joiner', roles: ['CTO'], status: 'active' });
  await writeFile(subscribersFile, JSON.stringify(list));
}

/** How many messages the server took for each reader other than LATE_JOINER. */
export async function copiesPerReader(smtp: TestSmtpServer): Promise<Map<string, number>> {
  const perReader = new Map<string, number>();
  for (const m of await smtp.messages())
    for (const to of m.envelope.to) perReader.set(canonicalAddress(to), (perReader.get(canonicalAddress(to)) ?? 0) + 1);
  perReader.delete(LATE_JOINER);
  return perReader;
}
