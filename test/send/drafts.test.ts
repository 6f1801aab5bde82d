import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/** A summary marked `status: draft` is shown by check, a dry run and a test send, and never sent to readers. */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  const file = project.path('issues/2026-W48/summaries/board-questions-on-ai-spend.json');
  const summary = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...summary, status: 'draft' }, null, 2));
});
afterEach(() => project.cleanup());

const send = (...extra: string[]) =>
  runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', ...extra]);

it('check warns at the issue line that names the draft', async () => {
  const checked = await runMain(project.dir, ['check', 'issues/2026-W48']);
  expect(checked.all).toMatch(
    /issue\.json:\d+: warning: summaries\[0\]: summary "board-questions-on-ai-spend" is marked draft/,
  );
});

it('a real send refuses the issue and writes nothing; a dry run and a test send go ahead', async () => {
  const refused = await send();
  expect(refused.code, refused.all).not.toBe(0);
  expect(refused.all).toMatch(/the issue holds 1 draft summary\(ies\): board-questions-on-ai-spend; nothing was sent/);
  expect(existsSync(project.path('outbox/2026-W48'))).toBe(false);
  const dry = await send('--dry-run');
  expect(dry.code, dry.all).toBe(0);
  const test = await send('--test', 'editor@example.com');
  expect(test.code, test.all).toBe(0);
});

it('a scheduled send refuses the issue at once, not at its first wave', async () => {
  const refused = await send('--at', '2099-06-01T08:00', '--local');
  expect(refused.code, refused.all).not.toBe(0);
  expect(refused.all).toMatch(/the issue holds 1 draft summary\(ies\)/);
  expect(refused.all).not.toMatch(/wave/i);
}, 30_000);
