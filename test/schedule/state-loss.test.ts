import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

async function run(...argv: string[]) {
  return runMain(project.dir, argv);
}

describe('a scheduled send whose state file is gone', () => {
  it('warns before planning when the outbox shows an earlier run', async () => {
    await project.write('outbox/2026-W48/someone.eml', 'From: x\r\n\r\nbody\r\n');
    const result = await run(
      'send',
      'issues/2026-W48',
      '--subscribers',
      'subscribers.example.json',
      '--at',
      '2026-01-05T08:00Z',
      '--dry-run',
    );
    expect(result.code, result.err).toBe(0);
    expect(result.err).toMatch(
      /warning: the state file .*state\.db is missing, but .*outbox\/2026-W48 holds 1 \.eml file/,
    );
  });
});

describe('send --concurrency', () => {
  it.each(['0', '51', '100000'])('refuses %s connections with exit 2', async (value) => {
    const result = await run(
      'send',
      'issues/2026-W48',
      '--subscribers',
      'subscribers.example.json',
      '--concurrency',
      value,
      '--dry-run',
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain('--concurrency must be between 1 and 50');
  });
});
