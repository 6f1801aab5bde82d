import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectCleanExit, runBoundedCli } from './_cli.js';
import { fuzzParams, testTimeout } from './_fuzz.js';
import { asBytes, jsonSummaryDocument, markdownDocument, rawBytes, textDocument } from './_inputs.js';

const RUNS = 14;
let dir: string;
beforeAll(async () => {
  // No config here: `parse` falls back to the bundled taxonomy.
  dir = await mkdtemp(join(tmpdir(), 'rolecast-fuzz-parse-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('rolecast parse on generated files', () => {
  it(
    'exits 0 or 2 with no stack, within the memory and time bounds',
    async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            asBytes(textDocument).map((bytes) => ({ ext: '.txt', bytes })),
            asBytes(markdownDocument).map((bytes) => ({ ext: '.md', bytes })),
            asBytes(jsonSummaryDocument).map((bytes) => ({ ext: '.json', bytes })),
            fc
              .tuple(rawBytes, fc.constantFrom('.txt', '.md', '.json', '.markdown'))
              .map(([bytes, ext]) => ({ ext, bytes })),
          ),
          fc.boolean(),
          async ({ ext, bytes }, json) => {
            const file = join(dir, `case-${round++}${ext}`);
            await writeFile(file, bytes);
            const result = await runBoundedCli(['parse', file, ...(json ? ['--json'] : [])], dir);
            expectCleanExit(result, { ext, text: Buffer.from(bytes).toString('latin1') });
          },
        ),
        fuzzParams(RUNS, { spawned: true }),
      );
    },
    testTimeout(RUNS, 20_000, { spawned: true }),
  );
});
