import { readFileSync, writeFileSync } from 'node:fs';
import { appendToJournal, journalPath } from '../../src/send/journal.js';

/** An unsubscribe as serve journals it. */
export const journalEntry = (email: string) => ({
  email,
  reason: 'unsubscribe',
  source: 'one-click',
  at: '2026-12-01T08:00:00.000Z',
});

/** Journals each address beside the state file `file` as serve does, then applies `damage` to the journal's text. */
export function journalWith(file: string, emails: string[], damage: (text: string) => string): void {
  const journal = journalPath(file);
  for (const email of emails) appendToJournal(journal, journalEntry(email));
  writeFileSync(journal, damage(emails.length > 0 ? readFileSync(journal, 'utf8') : ''));
}
