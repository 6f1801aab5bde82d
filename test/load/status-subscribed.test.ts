import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  parseSubscribers,
  parseSubscribersCsv,
  readSubscriberCsvStream,
  readSubscriberStream,
} from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * Mailchimp's API and exports say a reader who opted in is "subscribed": the same as rolecast's
 * "active", read as such in JSON and CSV, whole and streamed. Its other statuses (cleaned, pending,
 * transactional, archived) are never mailed and still refuse the list, naming the field.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

async function statuses(status: string) {
  const json = `[{ "email": "ann@example.com", "roles": ["CTO"], "status": ${JSON.stringify(status)} }]\n`;
  const csv = `email,roles,status\nann@example.com,CTO,${status}\n`;
  const results = [
    parseSubscribers(json, 'subscribers.json', taxonomy),
    await readSubscriberStream(Readable.from([Buffer.from(json)]), 'subscribers.json', taxonomy, async () => json),
    parseSubscribersCsv(csv, 'subscribers.csv', taxonomy),
    await readSubscriberCsvStream(Readable.from([Buffer.from(csv)]), 'subscribers.csv', taxonomy),
  ];
  return results.map((result) => ({
    errors: result.problems.filter((p) => p.severity === 'error').map((p) => p.field),
    statuses: result.subscribers.map((s) => s.status),
  }));
}

describe('a reader whose status says "subscribed"', () => {
  it.each(['subscribed', 'Subscribed', ' SUBSCRIBED '])('"%s" is active, in JSON and CSV alike', async (status) => {
    for (const read of await statuses(status)) expect(read).toEqual({ errors: [], statuses: ['active'] });
  });

  it.each(['cleaned', 'pending', 'transactional', 'archived'])('"%s" still refuses the list', async (status) => {
    for (const read of await statuses(status)) {
      expect(read.statuses).toEqual([]);
      expect(read.errors.length).toBeGreaterThan(0);
    }
  });
});
