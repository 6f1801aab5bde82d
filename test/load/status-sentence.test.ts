import { describe, expect, it } from 'vitest';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { readCsvBothWays, readJsonBothWays } from '../helpers/subscriber-lists.js';

/**
 * A column holding the reader's subscription status in words of its own provider or editor
 * ("Pending confirmation", "Unsubscribed by admin", `not_confirmed`, "Do not email") says the reader
 * is not mailed as plainly as a single word does: the list is refused, naming the column, in CSV and
 * JSON, read whole or streamed. A status saying the reader is mailed ("Active (pending payment)"), a
 * soft bounce, and notes that mention leaving are read as before.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

async function readCsv(heading: string, cell: string) {
  const text = `email,roles,${heading}\nreader@example.com,CTO,"${cell}"\n`;
  return readCsvBothWays(text, 'list.csv', taxonomy);
}

async function readJson(heading: string, cell: string) {
  const text = `[\n  ${JSON.stringify({ email: 'reader@example.com', roles: ['CTO'], status: 'active', [heading]: cell })}\n]\n`;
  return readJsonBothWays(text, 'list.json', taxonomy);
}

describe('a status column saying in its own words that the reader is not mailed', () => {
  it.each([
    ['Subscription status', 'Pending confirmation'],
    ['Subscription status', 'awaiting confirmation'],
    ['email_status', 'not_confirmed'],
    ['Subscription status', 'unverified'],
    ['Opt-in status', 'double opt-in pending'],
    ['Subscription status', 'Unsubscribed by admin'],
    ['Subscription status', 'unsubscribed (2024-01-01)'],
    ['Contact status', 'Do not email'],
    ['email_status', 'hard-bounce'],
  ])('"%s" saying "%s" refuses the list, naming the column', async (heading, cell) => {
    const csv = await readCsv(heading, cell);
    expect(csv.errors).toEqual([
      expect.stringMatching(new RegExp(`^list\\.csv:2: ${heading.toLowerCase()}: says .*the reader would be mailed`)),
    ]);
    const json = await readJson(heading, cell);
    expect(json.errors).toEqual([
      expect.stringMatching(new RegExp(`^list\\.json:2: \\[0\\]\\.${heading}: says .*mailed as "active"`)),
    ]);
  });
});

describe('a column saying the reader is mailed, or about something else', () => {
  it.each([
    ['Subscription status', 'Active (pending payment)'],
    ['Subscription status', 'Subscribed'],
    ['Subscription status', 'soft bounce'],
    ['payment_status', 'pending'],
    ['Newsletter notes', 'unsubscribed last year then rejoined'],
    ['state', 'New Brunswick'],
  ])('"%s" saying "%s" is read and the reader mailed', async (heading, cell) => {
    expect(await readCsv(heading, cell)).toEqual({ errors: [], readers: ['reader@example.com'], statuses: ['active'] });
    expect(await readJson(heading, cell)).toEqual({
      errors: [],
      readers: ['reader@example.com'],
      statuses: ['active'],
    });
  });
});
