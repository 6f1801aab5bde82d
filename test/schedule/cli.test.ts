import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(async () => {
  await project.cleanup();
});

const send = (...extra: string[]) =>
  runCli(['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--outbox', 'outbox', ...extra], {
    cwd: project.dir,
    env: { ROLECAST_SECRET: 'schedule-cli-secret-0123456789abcdef' },
  });

/** A UTC time `minutes` from now, as `--at` takes it. */
function minutesFromNow(minutes: number): string {
  return `${new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16)}Z`;
}

describe('rolecast send --at', () => {
  it('--local --dry-run prints the plan and sends nothing', async () => {
    const result = await send('--at', '2026-11-30T08:00', '--local', '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('6 wave(s), 10 recipient(s)');
    expect(result.stdout).toMatch(/2026-11-30 02:30 UTC\s+2 recipient\(s\)\s+Asia\/Kolkata 2026-11-30 08:00 \+05:30/);
    expect(existsSync(project.path('outbox'))).toBe(false);
  });

  it('--dry-run says what a real run would do with waves already due', async () => {
    const recent = await send('--at', minutesFromNow(-5), '--dry-run');
    expect(recent.stdout).toMatch(/within the grace window — would be sent at once/);
    const old = await send('--at', minutesFromNow(-600), '--dry-run');
    expect(old.stdout).toMatch(/past the 2 h grace window — would be reported missed and not sent/);
    expect(existsSync(project.path('outbox'))).toBe(false);
  });

  it('a wave due a few minutes ago goes out at once; running again sends nothing twice', async () => {
    const at = minutesFromNow(-5);
    const first = await send('--at', at);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('1 wave(s), 10 recipient(s)');
    expect((await readdir(project.path('outbox'))).filter((f) => f.endsWith('.eml'))).toHaveLength(10);
    const again = await send('--at', at);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('was already sent');
  });

  it('a wave older than the grace window is reported missed and sent only with --send-missed', async () => {
    const missed = await send('--at', '2026-01-05T08:00Z');
    expect(missed.code).toBe(3);
    expect(missed.stdout).toMatch(/missed by .*: not sent/);
    expect(existsSync(project.path('outbox'))).toBe(false);
    const forced = await send('--at', '2026-01-05T08:00Z', '--send-missed');
    expect(forced.code, forced.stderr).toBe(0);
    expect((await readdir(project.path('outbox'))).filter((f) => f.endsWith('.eml'))).toHaveLength(10);
  });

  it('refuses --local without --at, and an offset with --local', async () => {
    expect((await send('--local')).stderr).toContain('need --at TIME');
    const offset = await send('--at', '2026-11-30T08:00+01:00', '--local', '--dry-run');
    expect(offset.code).toBe(2);
    expect(offset.stderr).toContain('leave out any offset');
  });
});
