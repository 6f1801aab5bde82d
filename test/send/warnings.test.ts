import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { addExampleSummary, captureStreams, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A summary whose roles nobody holds (here an unknown role) would silently reach no one: `send` and
 * `build` say so, with the load warnings, on stderr before anything goes out. Not an error.
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  await addExampleSummary(project, 'orphan-notes', {
    title: 'Notes Nobody Will Read',
    summary: 'A summary written for a role no subscriber holds.',
    roles: ['Underwater Basket Weaver'],
  });
});
afterEach(() => project.cleanup());

async function run(...argv: string[]) {
  const streams = captureStreams();
  const code = await main(argv, {
    cwd: project.dir,
    env: { ROLECAST_SECRET: 'warnings-secret-0123456789abcdefghij' },
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, out: streams.out, err: streams.err };
}

const ORPHAN =
  'issues/2026-W48/summaries/orphan-notes.json: warning: roles: summary orphan-notes reaches none of the 10 recipient(s) — its roles: Underwater Basket Weaver';

describe('summaries that reach nobody', () => {
  it('send warns about them and prints the load warnings on stderr, and still sends the rest', async () => {
    const result = await run('send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--outbox', 'out');
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain(ORPHAN);
    expect(result.err).toMatch(/orphan-notes\.json(:\d+)?: warning: .*Underwater Basket Weaver/);
    expect(result.out).not.toContain('reaches none');
    expect(result.out).toMatch(/total\s+10\s+10/);
  });

  it('a dry run and a segment send warn too, judged on the whole list', async () => {
    const dry = await run('send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--dry-run');
    expect(dry.err).toContain(ORPHAN);
    const segment = await run(
      'send',
      'issues/2026-W48',
      '--subscribers',
      'subscribers.example.json',
      '--segment',
      'CTO',
      '--dry-run',
    );
    expect(segment.err).toContain(ORPHAN);
    // Summaries for roles outside the segment are not reported: they reach readers of the whole list.
    expect(segment.err.match(/reaches none/g)).toHaveLength(1);
  });

  it('a test send does not warn about them', async () => {
    const result = await run(
      'send',
      'issues/2026-W48',
      '--subscribers',
      'subscribers.example.json',
      '--outbox',
      'out',
      '--test',
      'editor@example.org',
    );
    expect(result.code, result.err).toBe(0);
    expect(result.err).not.toContain('reaches none');
  });

  it('build --subscribers warns about them on stderr', async () => {
    const result = await run('build', 'issues/2026-W48', '--out', 'site', '--subscribers', 'subscribers.example.json');
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain(ORPHAN);
    expect(result.err).toMatch(/orphan-notes\.json(:\d+)?: warning: .*Underwater Basket Weaver/);
    // Without subscribers there are no recipients to judge by.
    const plain = await run('build', 'issues/2026-W48', '--out', 'site2');
    expect(plain.err).not.toContain('reaches none');
  });
});
