import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type TempProject, tempProject } from '../helpers/project.js';
import { expectCleanExit, runBoundedCli } from './_cli.js';
import { fuzzParams, testTimeout } from './_fuzz.js';
import {
  asBytes,
  configDocument,
  csvDocument,
  issueManifestDocument,
  jsonSummaryDocument,
  markdownDocument,
  subscribersJsonDocument,
  taxonomyDocument,
  textDocument,
} from './_inputs.js';

const RUNS = 8;
const ISSUE = 'issues/2026-W48';
const SUMMARIES = [
  'summaries/board-questions-on-ai-spend.json',
  'summaries/eval-harness-before-model-swap.txt',
  'summaries/build-buy-or-borrow-an-llm-gateway.md',
];

let base: TempProject;
beforeAll(async () => {
  base = await tempProject({ withExample: true });
});
afterAll(() => base.cleanup());

/** One generated file that replaces its counterpart in a copy of the example project. */
const replacement = fc.oneof(
  { weight: 3, arbitrary: asBytes(textDocument).map((bytes) => ({ path: `${ISSUE}/${SUMMARIES[1]}`, bytes })) },
  { weight: 2, arbitrary: asBytes(markdownDocument).map((bytes) => ({ path: `${ISSUE}/${SUMMARIES[2]}`, bytes })) },
  { weight: 2, arbitrary: asBytes(jsonSummaryDocument).map((bytes) => ({ path: `${ISSUE}/${SUMMARIES[0]}`, bytes })) },
  {
    weight: 2,
    arbitrary: asBytes(issueManifestDocument(SUMMARIES)).map((bytes) => ({ path: `${ISSUE}/issue.json`, bytes })),
  },
  { weight: 1, arbitrary: asBytes(taxonomyDocument).map((bytes) => ({ path: 'roles.yaml', bytes })) },
  { weight: 1, arbitrary: asBytes(configDocument).map((bytes) => ({ path: 'rolecast.config.json', bytes })) },
);

const subscribers = fc.oneof(
  asBytes(subscribersJsonDocument).map((bytes) => ({ name: 'subscribers.json', bytes })),
  asBytes(csvDocument).map((bytes) => ({ name: 'subscribers.csv', bytes })),
);

describe('rolecast check on generated projects', () => {
  it(
    'exits 0, 2 or 3 with no stack, within the memory and time bounds',
    async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(replacement, subscribers, async (file, list) => {
          const dir = base.path(`../${base.dir.split('/').pop()}-case-${round++}`);
          await cp(base.dir, dir, { recursive: true });
          try {
            await writeFile(join(dir, file.path), file.bytes);
            await writeFile(join(dir, list.name), list.bytes);
            const result = await runBoundedCli(['check', ISSUE, '--subscribers', list.name], dir);
            expectCleanExit(result, {
              [file.path]: Buffer.from(file.bytes).toString('latin1'),
              [list.name]: Buffer.from(list.bytes).toString('latin1'),
            });
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        }),
        fuzzParams(RUNS, { spawned: true }),
      );
    },
    testTimeout(RUNS, 30_000, { spawned: true }),
  );
});
