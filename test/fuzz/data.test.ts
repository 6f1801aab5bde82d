import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { RolecastError } from '../../src/errors.js';
import { hasDuplicateKeys, JsonSyntaxError, parseJsonWithLines } from '../../src/load/_json-lines.js';
import { loadIssue } from '../../src/load/issue.js';
import { jsonTooDeepAt } from '../../src/load/limits.js';
import { parseSubscribers, parseSubscribersCsv, type SubscribersLoadResult } from '../../src/load/subscribers.js';
import { email as emailSchema } from '../../src/model/_fields.js';
import { SubscriberSchema } from '../../src/model/subscriber.js';
import { SummarySchema } from '../../src/model/summary.js';
import { loadTaxonomy, parseTaxonomy, type RoleTaxonomy } from '../../src/roles/taxonomy.js';
import { parseSuppressionFile } from '../../src/serve/suppression-file.js';
import { REPO_ROOT } from '../helpers/project.js';
import { expectWellFormed, fuzzParams, testTimeout, wellBehaved } from './_fuzz.js';
import {
  configDocument,
  csvDocument,
  hostileText,
  issueManifestDocument,
  jsonSummaryDocument,
  markdownDocument,
  rawString,
  subscribersJsonDocument,
  suppressionDocument,
  taxonomyDocument,
  textDocument,
} from './_inputs.js';

const RUNS = 150;
/** Each issue case writes a folder of files. */
const ISSUE_RUNS = 60;
let taxonomy: RoleTaxonomy;
let scratch: string;
beforeAll(async () => {
  taxonomy = await loadTaxonomy(join(REPO_ROOT, 'roles.yaml'));
  scratch = await mkdtemp(join(tmpdir(), 'rolecast-fuzz-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

function expectSubscribers(result: SubscribersLoadResult | RolecastError): void {
  expect(result, 'subscriber loaders report problems, they do not throw').not.toBeInstanceOf(Error);
  const { subscribers, problems } = result as SubscribersLoadResult;
  expectWellFormed(problems);
  for (const subscriber of subscribers) {
    const check = SubscriberSchema.safeParse(subscriber);
    expect(check.success, JSON.stringify(check.error?.issues)).toBe(true);
  }
}

describe('data loaders on generated input', () => {
  it(
    'the line-tracking JSON reader agrees with JSON.parse on every document',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(subscribersJsonDocument, configDocument, jsonSummaryDocument, rawString),
          async (text) => {
            const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
            let expected: { value: unknown } | undefined;
            try {
              expected = { value: JSON.parse(source) };
            } catch {
              expected = undefined;
            }
            const result = await wellBehaved(() => {
              try {
                return { value: parseJsonWithLines(text).value };
              } catch (error) {
                if (error instanceof JsonSyntaxError) return { refused: error.message };
                throw error;
              }
            });
            // Deeper than the nesting limit is refused on purpose, before parsing; anything else must agree.
            if ('refused' in result && jsonTooDeepAt(source) !== undefined) {
              expect(result.refused).toMatch(/^nested more than \d+ levels deep$/);
              return;
            }
            // A key written twice is refused on purpose (JSON.parse keeps the last without a word).
            if ('refused' in result && expected && hasDuplicateKeys(source, expected.value)) {
              expect(result.refused).toMatch(/is written twice in the same object; keep one$/);
              return;
            }
            // Compared as JSON text: vitest's deep equality reads an own "__proto__" key as the prototype.
            expect(JSON.stringify('refused' in result ? undefined : result)).toBe(JSON.stringify(expected));
          },
        ),
        fuzzParams(RUNS),
      );
    },
    testTimeout(RUNS, 20),
  );

  it(
    'subscribers JSON: valid subscribers and well-formed problems, never a throw',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 4, arbitrary: subscribersJsonDocument }, { weight: 1, arbitrary: rawString }),
          async (text) =>
            expectSubscribers(await wellBehaved(() => parseSubscribers(text, 'subscribers.json', taxonomy))),
        ),
        fuzzParams(RUNS),
      );
    },
    testTimeout(RUNS, 20),
  );

  it(
    'subscribers CSV: valid subscribers and well-formed problems, never a throw',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 4, arbitrary: csvDocument }, { weight: 1, arbitrary: rawString }),
          async (text) =>
            expectSubscribers(await wellBehaved(() => parseSubscribersCsv(text, 'subscribers.csv', taxonomy))),
        ),
        fuzzParams(RUNS),
      );
    },
    testTimeout(RUNS, 20),
  );

  it(
    'suppression imports (CSV, JSON, JSON Lines): valid addresses with lines, never a throw',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 4, arbitrary: suppressionDocument }, { weight: 1, arbitrary: rawString }),
          async (text) => {
            const result = await wellBehaved(() => parseSuppressionFile(text, 'bounces.csv', 'import'));
            expect(result, 'parseSuppressionFile reports problems, it does not throw').not.toBeInstanceOf(Error);
            const { entries, problems } = result as Exclude<typeof result, RolecastError>;
            expectWellFormed(problems);
            for (const entry of entries) {
              expect(emailSchema.safeParse(entry.email).success, entry.email).toBe(true);
              expect(Number.isInteger(entry.line) && entry.line >= 1).toBe(true);
              expect(typeof entry.reason).toBe('string');
            }
          },
        ),
        fuzzParams(RUNS),
      );
    },
    testTimeout(RUNS, 20),
  );

  it(
    'roles.yaml: a taxonomy or a RolecastError; the taxonomy answers lookups on any text',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 4, arbitrary: taxonomyDocument }, { weight: 1, arbitrary: rawString }),
          fc.array(hostileText, { maxLength: 4 }),
          async (text, roles) => {
            const result = await wellBehaved(() => {
              const parsed = parseTaxonomy(text, 'roles.yaml');
              for (const role of [...roles, '__proto__', 'constructor', 'CTO']) {
                parsed.lookup(role);
                expect(typeof parsed.normalise(role)).toBe('string');
                parsed.closest(role);
                expect(typeof parsed.heading(role)).toBe('string');
              }
              return parsed;
            });
            if (!(result instanceof RolecastError))
              for (const role of result.roles) expect(typeof role.name).toBe('string');
          },
        ),
        fuzzParams(RUNS),
      );
    },
    testTimeout(RUNS, 20),
  );

  it(
    'rolecast.config.json: a config or a RolecastError, never another throw',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 4, arbitrary: configDocument }, { weight: 1, arbitrary: rawString }),
          async (text) => {
            const result = await wellBehaved(() => parseConfig(text, join(scratch, 'rolecast.config.json')));
            if (!(result instanceof RolecastError)) {
              expect(emailSchema.safeParse(result.sender.email).success).toBe(true);
              expect(typeof result.rolesFile).toBe('string');
            }
          },
        ),
        fuzzParams(RUNS),
      );
    },
    testTimeout(RUNS, 20),
  );

  it(
    'issue.json with generated summaries: an issue of valid summaries, or problems; never a throw',
    async () => {
      let round = 0;
      const files = ['summaries/a.txt', 'summaries/b.md', 'summaries/c.json', 'summaries/a.txt'];
      await fc.assert(
        fc.asyncProperty(
          issueManifestDocument(files),
          textDocument,
          markdownDocument,
          jsonSummaryDocument,
          async (manifest, txt, md, json) => {
            const dir = join(scratch, `issue-${round++}`);
            await mkdir(join(dir, 'summaries'), { recursive: true });
            await writeFile(join(dir, 'issue.json'), manifest);
            await writeFile(join(dir, 'summaries/a.txt'), txt);
            await writeFile(join(dir, 'summaries/b.md'), md);
            await writeFile(join(dir, 'summaries/c.json'), json);
            const result = await wellBehaved(() => loadIssue(dir, taxonomy));
            expect(result, 'loadIssue reports problems, it does not throw').not.toBeInstanceOf(Error);
            const { issue, problems } = result as Exclude<typeof result, RolecastError>;
            expectWellFormed(problems);
            if (issue) {
              for (const summary of issue.summaries) expect(SummarySchema.safeParse(summary).success).toBe(true);
              expect(issue.manifest.summaries.length).toBeGreaterThan(0);
            } else {
              expect(problems.some((p) => p.severity === 'error')).toBe(true);
            }
            await rm(dir, { recursive: true, force: true });
          },
        ),
        fuzzParams(ISSUE_RUNS),
      );
    },
    testTimeout(ISSUE_RUNS, 40),
  );
});
