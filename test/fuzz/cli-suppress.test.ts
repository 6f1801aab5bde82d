import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REPO_ROOT } from '../helpers/project.js';
import { expectCleanExit, runBoundedCli } from './_cli.js';
import { fuzzParams, testTimeout } from './_fuzz.js';
import { asBytes, suppressionDocument } from './_inputs.js';

const RUNS = 10;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-fuzz-suppress-'));
  await copyFile(join(REPO_ROOT, 'rolecast.config.json'), join(dir, 'rolecast.config.json'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('rolecast suppress import on generated files', () => {
  it(
    'exits 0 or 2 with no stack, within the memory and time bounds',
    async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          asBytes(suppressionDocument),
          fc.constantFrom('.csv', '.json', '.jsonl', '.txt'),
          async (bytes, ext) => {
            const file = join(dir, `bounces-${round++}${ext}`);
            await writeFile(file, bytes);
            // One state file for every case: later imports meet addresses already suppressed.
            const result = await runBoundedCli(['suppress', 'import', file, '--state', join(dir, 'state.db')], dir);
            expectCleanExit(result, { ext, text: Buffer.from(bytes).toString('latin1') });
          },
        ),
        fuzzParams(RUNS, { spawned: true }),
      );
    },
    testTimeout(RUNS, 20_000, { spawned: true }),
  );
});
