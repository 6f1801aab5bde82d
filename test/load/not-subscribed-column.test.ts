import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSubscribers, parseSubscribersCsv } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A column or field saying a reader is subscribed, or opted in, holding no ("Subscribed: no",
 * "accepts_marketing": false) says the reader is not to be mailed: the list is refused at that
 * reader's line unless its status says unsubscribed, in CSV and JSON alike.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const errorsOf = (problems: ReturnType<typeof parseSubscribers>['problems']) =>
  problems.filter((p) => p.severity === 'error').map(formatProblem);

describe('a subscribed or opted-in column saying no', () => {
  it.each([
    ['Subscribed', 'no', false],
    ['Opted In', 'false', false],
    ['Email Opt In', 'No', false],
    ['accepts_marketing', 'false', false],
    ['Marketing Consent', '0', false],
  ])('%s of %s is refused at that reader line, in CSV and JSON', (heading, no, yesValue) => {
    const csv = parseSubscribersCsv(
      `email,${heading}\nstay@example.com,yes\nleft@example.com,${no}\n`,
      's.csv',
      taxonomy,
    );
    expect(errorsOf(csv.problems)).toEqual([expect.stringMatching(/^s\.csv:3: .*which rolecast does not read/)]);
    const json = parseSubscribers(
      `[\n  {"email": "stay@example.com", ${JSON.stringify(heading)}: ${JSON.stringify(!yesValue)}},\n  {"email": "left@example.com", ${JSON.stringify(heading)}: ${JSON.stringify(no === 'false' || no === '0' ? false : no)}}\n]\n`,
      's.json',
      taxonomy,
    );
    expect(errorsOf(json.problems)).toEqual([
      expect.stringMatching(/^s\.json:3: \[1\]\..*which rolecast does not read/),
    ]);
  });

  it('is read when the status says unsubscribed, and an SMS opt-in of no is passed over', () => {
    const result = parseSubscribersCsv(
      'email,status,Subscribed,SMS Opt In\nleft@example.com,unsubscribed,no,no\nstay@example.com,active,yes,no\n',
      's.csv',
      taxonomy,
    );
    expect(errorsOf(result.problems)).toEqual([]);
    expect(result.subscribers.map((s) => s.status)).toEqual(['unsubscribed', 'active']);
  });
});
