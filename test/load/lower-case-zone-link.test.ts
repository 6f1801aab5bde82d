import { describe, expect, it } from 'vitest';
import { parseSubscribers, parseSubscribersCsv } from '../../src/load/subscribers.js';
import { zoneSpelling } from '../../src/model/_fields.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A zone link written in lower case ("us/eastern") has no spelling the zone database lists: it is
 * stored as the zone it names, not as written. A link written with its capitals ("US/Eastern",
 * "Asia/Kolkata") stays as written, and a listed zone in another case takes the listed spelling.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a time zone written in lower case', () => {
  it.each([
    ['us/eastern', 'America/New_York'],
    ['us/pacific', 'America/Los_Angeles'],
    ['gb', 'Europe/London'],
    ['europe/berlin', 'Europe/Berlin'],
    ['utc', 'UTC'],
    ['US/Eastern', 'US/Eastern'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['EST5EDT', 'EST5EDT'],
  ])('%s is spelled %s', (written, spelled) => {
    expect(zoneSpelling(written)).toBe(spelled);
  });

  it('is stored as the zone it names from a JSON or CSV list', () => {
    const json = parseSubscribers(
      JSON.stringify([{ email: 'a@example.com', roles: ['CTO'], timezone: 'us/eastern' }]),
      'subscribers.json',
      taxonomy,
    );
    const csv = parseSubscribersCsv(
      'email,roles,timezone\na@example.com,CTO,us/central\n',
      'subscribers.csv',
      taxonomy,
    );
    expect(json.problems).toEqual([]);
    expect(csv.problems).toEqual([]);
    expect(json.subscribers.map((s) => s.timezone)).toEqual(['America/New_York']);
    expect(csv.subscribers.map((s) => s.timezone)).toEqual(['America/Chicago']);
  });
});
