import { describe, expect, it } from 'vitest';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { readCsvBothWays, readJsonBothWays } from '../helpers/subscriber-lists.js';

/**
 * A shop's customer export says whether each customer agreed to marketing email under a heading of
 * several words: Shopify's "Accepts Email Marketing" (`acceptsEmailMarketing`, and
 * `emailMarketingConsent.marketingState` through its API), "Email Marketing Consent", "Marketing
 * emails". A customer who said no never opted in: the list is refused, naming the field, rather
 * than that customer mailed. A yes, and columns about texts, are read as before.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

async function readCsv(heading: string, cell: string) {
  const text = `email,roles,${heading}\nshopper@example.com,CTO,${cell}\n`;
  return readCsvBothWays(text, 'customers.csv', taxonomy);
}

async function readJson(fields: Record<string, unknown>) {
  const text = `[\n  ${JSON.stringify({ email: 'shopper@example.com', roles: ['CTO'], ...fields })}\n]\n`;
  return readJsonBothWays(text, 'customers.json', taxonomy);
}

describe('a customer export saying the customer never agreed to marketing email', () => {
  it.each([
    ['Accepts Email Marketing', 'no'],
    ['accepts_email_marketing', 'false'],
    ['Email Marketing Consent', 'no'],
    ['Email Marketing Opt In', 'No'],
    ['Marketing emails', 'no'],
    ['Email Marketing Consent State', 'NOT_SUBSCRIBED'],
  ])('"%s" saying %s refuses the CSV list, naming the column', async (heading, cell) => {
    const csv = await readCsv(heading, cell);
    expect(csv.errors).toEqual([
      expect.stringMatching(
        new RegExp(`^customers\\.csv:2: ${heading.toLowerCase()}: says "${cell}".*the reader would be mailed`),
      ),
    ]);
  });

  it.each([
    [{ acceptsEmailMarketing: false }, 'acceptsEmailMarketing'],
    [{ emailMarketingConsent: { marketingState: 'NOT_SUBSCRIBED' } }, 'emailMarketingConsent.marketingState'],
  ])('%j refuses the JSON list, naming the field', async (fields, field) => {
    const json = await readJson(fields);
    expect(json.errors).toEqual([
      expect.stringMatching(new RegExp(`^customers\\.json:2: \\[0\\]\\.${field.replace(/\./g, '\\.')}: says `)),
    ]);
  });
});

describe('a customer export saying the customer agreed, or about texts', () => {
  it.each([
    ['Accepts Email Marketing', 'yes'],
    ['Accepts SMS Marketing', 'no'],
    ['Total Orders', '0'],
    ['Tax Exempt', 'no'],
  ])('"%s" saying %s is read and the customer mailed', async (heading, cell) => {
    expect(await readCsv(heading, cell)).toEqual({
      errors: [],
      readers: ['shopper@example.com'],
      statuses: ['active'],
    });
  });

  it('{"emailMarketingConsent": {"marketingState": "SUBSCRIBED"}} is read and the customer mailed', async () => {
    expect(await readJson({ emailMarketingConsent: { marketingState: 'SUBSCRIBED' } })).toEqual({
      errors: [],
      readers: ['shopper@example.com'],
      statuses: ['active'],
    });
  });
});
