import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A dry run passes the same gates as the real send, so a rehearsal that passes is a send that is not
 * refused for what it renders; and the editor edition, which no reader with roles receives, cannot
 * stop a send with its problems (its full cards of every story can pass a size limit each reader's
 * edition stays under).
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

async function limitSizes(limitKb: number, warnKb: number) {
  const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8')) as Record<string, unknown>;
  await project.write('rolecast.config.json', JSON.stringify({ ...config, sizeLimitKb: limitKb, sizeWarnKb: warnKb }));
}

const send = (...extra: string[]) =>
  runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', ...extra]);

it('an editor edition over the size limit that nobody receives is a warning, in the dry run and the send alike', async () => {
  // Every reader's edition of the example issue is under ~34 KB; the editor edition is ~62 KB.
  await limitSizes(50, 40);
  const dry = await send('--dry-run');
  expect(dry.code, dry.all).toBe(0);
  expect(dry.err).toMatch(
    /warning: .*variant editor: HTML is [\d.]+ KB .*over the 50 KB limit.*no reader receives this edition/,
  );
  const real = await send('--outbox', 'out');
  expect(real.code, real.all).toBe(0);
  expect(real.out).toMatch(/total\s+10\s+10/);
  expect(real.err).toContain('no reader receives this edition');
});

it('a dry run is refused, as the send is, when a reader edition is over the size limit', async () => {
  await limitSizes(30, 20);
  const dry = await send('--dry-run');
  const real = await send('--outbox', 'out');
  for (const run of [dry, real]) {
    expect(run.code, run.all).toBe(2);
    expect(run.err).toMatch(/variant cto\+executive: HTML is [\d.]+ KB .*over the 30 KB limit/);
  }
  expect(existsSync(project.path('out'))).toBe(false);
});
