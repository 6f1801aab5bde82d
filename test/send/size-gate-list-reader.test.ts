import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A send renders from a few readers of its list, not the whole list: the size gate's room must
 * still be that of the list's longest name, whichever reader holds it.
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

async function addReader(reader: Record<string, unknown>) {
  const file = JSON.parse(await readFile(project.path('subscribers.example.json'), 'utf8')) as {
    subscribers: unknown[];
  };
  file.subscribers.push(reader);
  await project.write('subscribers.example.json', JSON.stringify(file));
}

const send = (...extra: string[]) =>
  runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', ...extra]);

it('cuts to headlines the copies a reader further down the list with a long name takes past the limit', async () => {
  // Under a warning threshold of 1 KB, the dry run says what each reader edition measures, room included.
  await limitSizes(1000, 1);
  const measured = await send('--dry-run');
  expect(measured.code, measured.all).toBe(0);
  const sizes = [...measured.err.matchAll(/variant (?!editor)[^:]+: HTML is ([\d.]+) KB/g)].map((m) => Number(m[1]));
  expect(sizes.length).toBeGreaterThan(3);
  // A limit 1 KB above the largest: the list as it is passes, every reader edition in full.
  await limitSizes(Math.max(...sizes) + 1, Math.max(...sizes) + 1);
  const fits = await send('--dry-run');
  expect(fits.code, fits.all).toBe(0);
  expect(fits.err).not.toMatch(/variant (?!editor)[^:]+: HTML is [\d.]+ KB .*over the [\d.]+ KB limit/);

  // A CTO reader after the first of their locale, greeted by 200 characters that take 1.8 KB as encoded.
  await addReader({ email: 'long.name@example.com', name: '龍'.repeat(200), roles: ['CTO'], locale: 'en-GB' });
  const dry = await send('--dry-run');
  const real = await send('--outbox', 'out');
  for (const run of [dry, real]) {
    expect(run.code, run.all).toBe(0);
    expect(run.err).toMatch(
      /variant (?!editor)[^:]+: HTML is [\d.]+ KB .*over the [\d.]+ KB limit.*counting \d\.\d KB for a reader's own name, address and roles with nothing this week at their longest, so the copy for readers of .* shows \d+ of its \d+ stories in full/,
    );
  }
  expect(existsSync(project.path('out'))).toBe(true);
});
