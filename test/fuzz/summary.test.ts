import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeText, type LoadedSummary, parseSummary } from '../../src/load/summary.js';
import { SummarySchema } from '../../src/model/summary.js';
import { loadTaxonomy, type RoleTaxonomy } from '../../src/roles/taxonomy.js';
import { REPO_ROOT } from '../helpers/project.js';
import { expectWellFormed, fuzzParams, testTimeout, wellBehaved } from './_fuzz.js';
import { asBytes, jsonSummaryDocument, markdownDocument, rawBytes, rawString, textDocument } from './_inputs.js';

const RUNS = 200;
let taxonomy: RoleTaxonomy;
beforeAll(async () => {
  taxonomy = await loadTaxonomy(join(REPO_ROOT, 'roles.yaml'));
});

/** A summary comes back valid against its schema with no errors, or not at all with at least one error. */
function expectSummaryOutcome(loaded: LoadedSummary): void {
  expectWellFormed(loaded.problems);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (loaded.summary) {
    expect(errors).toEqual([]);
    const check = SummarySchema.safeParse(loaded.summary);
    expect(check.success, JSON.stringify(check.error?.issues)).toBe(true);
  } else {
    expect(errors.length).toBeGreaterThan(0);
  }
}

async function checkSummary(text: string, file: string): Promise<void> {
  const loaded = await wellBehaved(() => parseSummary(text, file, taxonomy));
  expect(loaded, 'parseSummary reports problems, it does not throw').not.toBeInstanceOf(Error);
  expectSummaryOutcome(loaded as LoadedSummary);
}

const FORMATS = [
  ['editorial text', '.txt', textDocument],
  ['Markdown with frontmatter', '.md', markdownDocument],
  ['JSON', '.json', jsonSummaryDocument],
] as const;

describe('summary loaders on generated input', () => {
  for (const [name, ext, document] of FORMATS) {
    it(
      `${name}: returns a schema-valid summary or errors, never throws`,
      async () => {
        await fc.assert(
          fc.asyncProperty(document, (text) => checkSummary(text, `fuzz${ext}`)),
          fuzzParams(RUNS),
        );
      },
      testTimeout(RUNS, 20),
    );
  }

  it(
    'any document in any format is read by every loader (a .md that is JSON, a .json that is text)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(textDocument, markdownDocument, jsonSummaryDocument, rawString),
          fc.constantFrom('a.txt', 'a.md', 'a.markdown', 'a.json', 'a', 'a.TXT', 'a.pdf', '__proto__.json'),
          (text, file) => checkSummary(text, file),
        ),
        fuzzParams(RUNS),
      );
    },
    testTimeout(RUNS, 20),
  );

  it(
    'bytes (invalid UTF-8, Windows-1252, spliced bytes) decode and parse without throwing',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(asBytes(textDocument), asBytes(markdownDocument), asBytes(jsonSummaryDocument), rawBytes),
          fc.constantFrom('a.txt', 'a.md', 'a.json'),
          async (bytes, file) => {
            const { text } = decodeText(bytes);
            expect(typeof text).toBe('string');
            await checkSummary(text, file);
          },
        ),
        fuzzParams(RUNS),
      );
    },
    testTimeout(RUNS, 20),
  );
});
