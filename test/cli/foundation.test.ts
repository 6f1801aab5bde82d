import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src/cli/_command.js';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { captureStreams, SEED_FILE, type TempProject, tempProject } from '../helpers/project.js';

describe('rolecast parse', () => {
  it.skipIf(!existsSync(SEED_FILE) && process.env.CI !== 'true')(
    'prints the seed summary as normalised JSON',
    async () => {
      const result = await runCli(['parse', SEED_FILE, '--json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout);
      expect(summary.title).toBe('Open Source, After Mythos');
      expect(summary.roles).toEqual([
        'VP of Engineering/Data',
        'Executive',
        'AI Architect',
        'Director of AI/ML',
        'CTO',
        'Consultant',
      ]);
      expect([summary.principles.length, summary.practice.length, summary.topics.length]).toEqual([3, 2, 5]);
      expect(summary.source).toBe('IBM - Announcements (Artificial intelligence)');
      expect(Object.keys(summary)).toEqual(
        expect.arrayContaining([
          'id',
          'title',
          'summary',
          'takeaway',
          'insights',
          'principles',
          'practice',
          'topics',
          'roles',
          'source',
          'attribution',
        ]),
      );
    },
  );

  it('exits 2 naming file and line for a malformed summary', async () => {
    const project = await tempProject({ files: { 'bad.txt': 'Title\nKey takeaway\nx\nBest for: CTO\n' } });
    try {
      const result = await runCli(['parse', 'bad.txt', '--json'], { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('bad.txt:1: summary: the "Summary" section is missing');
    } finally {
      await project.cleanup();
    }
  });
});

describe('rolecast check', () => {
  let project: TempProject;
  afterEach(() => project?.cleanup());

  it('passes on the example issue and subscribers', async () => {
    const result = await runCli(['check', 'issues/2026-W48', '--subscribers', 'subscribers.example.json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ 2026-W48: 9 summaries, 12 subscriber\(s\)/);
  });

  it('prints every problem as file:line: field: message and exits 2', async () => {
    project = await tempProject({ withExample: true });
    await project.write('issues/2026-W48/summaries/secrets-in-prompt-logs.txt', 'Just a title\nTopics\n- x\n');
    const subs = JSON.parse(readFileSync(project.path('subscribers.example.json'), 'utf8'));
    subs.subscribers[1].email = 'broken';
    subs.subscribers[2].timezone = 'Nowhere/City';
    await project.write('subscribers.example.json', JSON.stringify(subs, null, 2));
    const result = await runCli(['check', 'issues/2026-W48', '--subscribers', 'subscribers.example.json'], {
      cwd: project.dir,
    });
    expect(result.code).toBe(2);
    const out = result.stdout;
    expect(out).toMatch(
      /issues\/2026-W48\/summaries\/secrets-in-prompt-logs\.txt:1: summary: the "Summary" section is missing/,
    );
    expect(out).toMatch(/secrets-in-prompt-logs\.txt:3: roles: the "Best for:" line is missing/);
    expect(out).toMatch(/subscribers\.example\.json:\d+: subscribers\[1\]\.email: is not a valid email address/);
    expect(out).toMatch(/subscribers\.example\.json:\d+: subscribers\[2\]\.timezone: is not a known IANA time zone/);
    expect(result.stderr).toMatch(/4 error\(s\)/);
  });

  it('warns about an unknown role with the closest known one, and still exits 0', async () => {
    project = await tempProject({ withExample: true });
    const file = 'issues/2026-W48/summaries/page-budget-for-on-call.txt';
    const text = readFileSync(project.path(file), 'utf8').replace(/Best for: .*/, 'Best for: Engineering Manger');
    await project.write(file, text);
    const result = await runCli(['check', 'issues/2026-W48'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /page-budget-for-on-call\.txt:\d+: warning: roles: unknown role "Engineering Manger" — did you mean Engineering Manager/,
    );
  });
});

describe('the CLI entry', () => {
  it('says "this is a bug" with the stack for unexpected failures and exits 1', async () => {
    const io = captureStreams();
    const boom: Command = {
      name: 'boom',
      summary: 'fails',
      usage: 'rolecast boom',
      options: {},
      run: async () => {
        throw new TypeError('kaput');
      },
    };
    const code = await main(['boom'], { cwd: '.', env: {}, ...io, signal: new AbortController().signal }, [boom]);
    expect(code).toBe(1);
    expect(io.err).toContain('this is a bug');
    expect(io.err).toContain('TypeError: kaput');
    expect(io.err).toMatch(/at .*foundation\.test\.ts/);
  });

  it('rejects an unknown option with the usage and exit 2', async () => {
    const result = await runCli(['check', 'issues/2026-W48', '--nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown option --nope');
    expect(result.stderr).toContain('usage: rolecast check ISSUE_DIR');
  });

  it('writes JSON Schemas for editors', async () => {
    const project = await tempProject();
    try {
      const result = await runCli(['schema', '--out', project.path('schemas')]);
      expect(result.code).toBe(0);
      const schema = JSON.parse(readFileSync(project.path('schemas/subscribers.schema.json'), 'utf8'));
      expect(JSON.stringify(schema)).toContain('"timezone"');
      expect(existsSync(project.path('schemas/config.schema.json'))).toBe(true);
    } finally {
      await project.cleanup();
    }
  });
});
