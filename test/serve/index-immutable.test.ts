import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneClickUnsubscribe, type RunningServe, startServe } from '../helpers/cli.js';
import { REPO_ROOT, type TempProject, tempProject } from '../helpers/project.js';

/**
 * The state file's index `state.db-shm` made immutable (`chattr +i`) under a running `serve`.
 * SQLite reads and writes the index through memory, so the next request touching the file killed
 * serve with SIGBUS and got no answer. Real `serve` process, real ext4 file system on a loop device
 * (`chattr +i` needs one; tmpfs has no such flag). The index cut short under it (a clean-up
 * truncating it) killed it the same way.
 */

const SECRET = 'index-immutable-secret-0123456789abcdef';
const root = mkdtempSync(join(tmpdir(), 'rolecast-ext4-'));
const image = join(root, 'disk.img');
const disk = join(root, 'mnt');
let mounted = false;

beforeAll(() => {
  execFileSync('truncate', ['-s', '32M', image]);
  execFileSync('mkfs.ext4', ['-q', '-F', image]);
  execFileSync('mkdir', [disk]);
  execFileSync('mount', ['-o', 'loop', image, disk]);
  mounted = true;
});

afterAll(() => {
  if (mounted) {
    execFileSync('chattr', ['-R', '-i', disk]);
    execFileSync('umount', [disk]);
  }
  rmSync(root, { recursive: true, force: true });
});

describe('serve with its state index made immutable', () => {
  let serve: RunningServe | undefined;
  afterAll(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await serve?.exited;
  });

  it('journals the unsubscribe and answers every request, naming the index and what to do, never dying of SIGBUS', async () => {
    const dir = join(disk, 'project');
    cpSync(join(REPO_ROOT, 'issues/2026-W48'), join(dir, 'issues/2026-W48'), { recursive: true });
    cpSync(join(REPO_ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
    for (const file of ['rolecast.config.json', 'roles.yaml', 'subscribers.example.json'])
      cpSync(join(REPO_ROOT, file), join(dir, file));
    serve = await startServe({ cwd: dir, env: { ROLECAST_SECRET: SECRET } });
    expect((await oneClickUnsubscribe(serve, 'ellen.park@example.com', SECRET)).status).toBe(200);
    const state = join(dir, '.rolecast/state.db');
    execFileSync('chattr', ['+i', `${state}-shm`]);

    const answer = await oneClickUnsubscribe(serve, 'sam.okafor@example.org', SECRET).then(
      (response) => response.status,
      () => 0,
    );
    const health = await fetch(serve.url.replace('/unsubscribe', '/healthz')).then(
      (response) => response.status,
      () => 0,
    );
    expect(serve.child.signalCode, serve.stderr).toBeNull();
    expect(answer).not.toBe(0);
    expect(health).toBe(200);
    // Recorded where the next send applies it, whatever the answer.
    expect(readFileSync(`${state}.unsubscribe-journal`, 'utf8')).toContain('sam.okafor@example.org');
    expect(serve.stderr).toContain(`its index ${state}-shm cannot be written (EPERM)`);

    execFileSync('chattr', ['-i', `${state}-shm`]);
    serve.child.kill('SIGTERM');
    expect(await serve.exited, serve.stderr).toBe(0);
  });
});

describe('serve with its state index cut short', () => {
  let serve: RunningServe | undefined;
  let project: TempProject | undefined;
  afterAll(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await serve?.exited;
    await project?.cleanup();
  });

  it('journals the unsubscribe instead of dying of SIGBUS on the pages cut away', async () => {
    project = await tempProject({ withExample: true });
    serve = await startServe({ cwd: project.dir, env: { ROLECAST_SECRET: SECRET } });
    expect((await oneClickUnsubscribe(serve, 'ellen.park@example.com', SECRET)).status).toBe(200);
    const state = project.path('.rolecast/state.db');
    truncateSync(`${state}-shm`, 0);

    const answer = await oneClickUnsubscribe(serve, 'sam.okafor@example.org', SECRET).then(
      (response) => response.status,
      () => 0,
    );
    expect(answer, serve.stderr).not.toBe(0);
    expect(readFileSync(`${state}.unsubscribe-journal`, 'utf8')).toContain('sam.okafor@example.org');
    expect(serve.stderr).toContain(`its index ${state}-shm was cut from 32768 to 0 bytes`);
  });
});
