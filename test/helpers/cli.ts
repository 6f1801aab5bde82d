import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { signClickToken } from '../../src/analytics/token.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { REPO_ROOT } from './project.js';

export const CLI = join(REPO_ROOT, 'dist/cli/index.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI in a child process, as a user would. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A running `rolecast serve`: its unsubscribe URL, what it printed so far, and its exit code once it stops. */
export interface RunningServe {
  child: ChildProcess;
  url: string;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

/**
 * Starts `rolecast serve --port 0` and resolves once it prints where it listens (and, with
 * `until`, that text too); rejects with its output if it exits first. The caller stops it.
 */
export async function startServe(options: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  until?: string;
}): Promise<RunningServe> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, 'serve', '--port', '0'], {
    cwd: options.cwd,
    env: { ...process.env, SMTP_URL: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const running: RunningServe = { child, url: '', stdout: '', stderr: '', exited };
  child.stderr!.on('data', (chunk) => {
    running.stderr += chunk;
  });
  running.url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      running.stdout += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/unsubscribe)/.exec(running.stdout);
      if (match && (!options.until || running.stdout.includes(options.until))) resolve(match[1]!);
    });
    child.on('close', () => reject(new Error(`serve exited early:\n${running.stdout}\n${running.stderr}`)));
  });
  return running;
}

/** A one-click unsubscribe (RFC 8058) of `email` posted to a running serve, its link signed with `secret`. */
export function oneClickUnsubscribe(serve: RunningServe, email: string, secret: string): Promise<Response> {
  const token = signToken({ email, listId: 'weekly.rolecast.example' }, secret);
  return fetch(`${serve.url}?token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
}

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0';

/** A reader's click on a story of the example issue through `origin`'s click route; its status. */
export async function browserClick(origin: string, secret: string, summaryId: string): Promise<number> {
  const link = {
    issueId: '2026-W48',
    summaryId,
    role: 'CTO',
    kind: 'article' as const,
    target: 'https://example.com/',
  };
  const response = await fetch(`${origin}/c/${signClickToken(link, secret)}`, {
    redirect: 'manual',
    headers: { 'User-Agent': BROWSER },
  });
  return response.status;
}
