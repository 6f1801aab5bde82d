import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return runMain(project.dir, argv, env);
}

const emlCount = async (dir: string) => (await readdir(project.path(dir))).filter((f) => f.endsWith('.eml')).length;

describe('the outbox ledger is kept per outbox folder', () => {
  it('a second folder gets every message; the first folder stays resumable', async () => {
    const first = await run(['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--outbox', 'a']);
    expect(first.code, first.err).toBe(0);
    const written = await emlCount('a');
    expect(written).toBeGreaterThan(0);
    const second = await run(['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--outbox', 'b']);
    expect(second.code, second.err).toBe(0);
    expect(await emlCount('b')).toBe(written);
    const again = await run(['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--outbox', 'a']);
    expect(again.code).toBe(0);
    expect(await emlCount('a')).toBe(written);
  });
});

describe('status', () => {
  it('on a folder that is not an issue is an error, not "nothing sent yet"', async () => {
    const result = await run(['status', 'issues/2026-W4']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('issues/2026-W4 is not an issue folder (it has no issue.json)');
  });
});

describe('send --dry-run checks and names the transport', () => {
  it('names the SMTP server with the password masked', async () => {
    const result = await run(['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--dry-run'], {
      SMTP_URL: 'smtps://mailer:hunter2-secret@smtp.example.com:465',
    });
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain('a real run would send over SMTP to smtp.example.com:465 (TLS, as mailer)');
    expect(result.err + result.out).not.toContain('hunter2');
  });

  it('rejects an invalid SMTP_URL before planning', async () => {
    const result = await run(['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--dry-run'], {
      SMTP_URL: 'http://smtp.example.com',
    });
    expect(result.code).toBe(2);
    expect(result.err).toContain('SMTP_URL must start with smtp:// or smtps://');
  });

  it('names the outbox folder without SMTP_URL', async () => {
    const result = await run(['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--dry-run']);
    expect(result.err).toContain('a real run would write .eml files to outbox/2026-W48 (SMTP_URL is not set)');
  });
});

describe('archive', () => {
  beforeEach(async () => {
    await project.write(
      'issues/2026-W49/issue.json',
      JSON.stringify({ subject: 'Draft', date: '2026-12-03', draft: true, summaries: ['missing.txt'] }),
    );
  });

  it('leaves drafts out before validating them', async () => {
    const result = await run(['archive', '--out', 'site']);
    expect(result.code, result.err).toBe(0);
    expect(result.err).not.toContain('missing.txt');
    expect(await readdir(project.path('site'))).not.toContain('2026-W49');
  });

  it('with --keep-going reports a broken issue and builds the others', async () => {
    await project.write(
      'issues/2026-W50/issue.json',
      JSON.stringify({ subject: 'Broken', date: '2026-11-19', summaries: ['gone.txt'] }),
    );
    const strict = await run(['archive', '--out', 'site']);
    expect(strict.code).toBe(2);
    const going = await run(['archive', '--out', 'site2', '--keep-going']);
    expect(going.code, going.err).toBe(0);
    expect(going.err).toContain('gone.txt');
    expect(going.err).toContain('issues/2026-W50 left out of the archive');
    expect(await readdir(project.path('site2'))).toContain('2026-W48');
  });
});

describe('small command-line fixes', () => {
  it('schema accepts --config like every command', async () => {
    const result = await run(['schema', '--out', 'schemas', '--config', 'rolecast.config.json']);
    expect(result.code, result.err).toBe(0);
    expect(await readdir(project.path('schemas'))).not.toHaveLength(0);
  });

  it('subscriber errors show the bad value and a fix', async () => {
    await project.write(
      'bad.json',
      JSON.stringify([{ email: 'ann@@example', roles: ['CTO'], timezone: 'Mars/Olympus', status: 'gone' }]),
    );
    const result = await run(['check', 'issues/2026-W48', '--subscribers', 'bad.json']);
    expect(result.code).toBe(2);
    expect(result.out).toMatch(/email: .* \(got "ann@@example"\)/);
    expect(result.out).toMatch(/timezone: .* \(got "Mars\/Olympus"\) — use an IANA time zone/);
    expect(result.out).toMatch(/status: .* \(got "gone"\)/);
  });

  it('a CSV list saved as .txt is read as CSV', async () => {
    await project.write('list.txt', 'email,name,roles\ncto@example.com,Casey,CTO\nexec@example.com,Eli,Executive\n');
    const result = await run(['check', 'issues/2026-W48', '--subscribers', 'list.txt']);
    expect(result.code, result.out + result.err).toBe(0);
    expect(result.out).toContain('2 subscriber(s)');
  });
});

/** Starts the real CLI's preview and resolves with what it printed once it is ready. */
function startPreview(cwd: string) {
  const child = spawn(process.execPath, [CLI, 'preview', 'issues/2026-W48'], {
    cwd,
    env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Press Ctrl+C')) resolve(output);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => reject(new Error(`preview exited early:\n${output}`)));
  });
  return { child, ready };
}

describe('preview and the process around it', () => {
  it('prints its URL once', async () => {
    const { child, ready } = startPreview(project.dir);
    try {
      const output = await ready;
      await new Promise((r) => setTimeout(r, 300));
      expect(output.match(/http:\/\/127\.0\.0\.1:\d+\//g)).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops when the process that started it (npx, a shell) is killed', async () => {
    const log = project.path('preview.log');
    const wrapper = spawn(
      'bash',
      ['-c', `"${process.execPath}" "${CLI}" preview issues/2026-W48 >"${log}" 2>&1 & echo $!; wait`],
      {
        cwd: project.dir,
        env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: '' },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const pid = await new Promise<number>((resolve) =>
      wrapper.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
    );
    const ready = Date.now() + 45_000;
    while (!(await readFile(log, 'utf8').catch(() => '')).includes('Press Ctrl+C') && Date.now() < ready)
      await new Promise((r) => setTimeout(r, 200));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      expect(alive()).toBe(true);
      wrapper.kill('SIGKILL');
      const deadline = Date.now() + 20_000;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(alive()).toBe(false);
    } finally {
      if (alive()) process.kill(pid, 'SIGKILL');
    }
  });
});
