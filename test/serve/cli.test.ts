import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { runCli, startServe } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const SECRET = 'cli-test-secret-0123456789abcdefghijk';
let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(async () => {
  await project.cleanup();
});

const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { ROLECAST_SECRET: SECRET } });

describe('rolecast suppress', () => {
  it('adds, imports and lists addresses in the send state', async () => {
    const added = await cli('suppress', 'add', 'Hannah.Cole@example.org', '--reason', 'asked by phone');
    expect(added.stdout).toContain('suppressed Hannah.Cole@example.org');
    expect(added.code).toBe(0);
    expect((await cli('suppress', 'add', 'hannah.cole@example.org')).stdout).toContain('already suppressed');

    await project.write(
      'bounces.csv',
      'Email,Type\nsam.okafor@example.org,HardBounce\nbroken-row,HardBounce\nlucy.tran@example.com,SpamComplaint\n',
    );
    const imported = await cli('suppress', 'import', 'bounces.csv');
    expect(imported.stdout).toContain('imported 2 new address(es); 0 already suppressed; 1 row(s) not read');
    expect(imported.stderr).toContain('bounces.csv:3: email: "broken-row" is not a valid email address');
    expect(imported.code).toBe(2);

    const listed = await cli('suppress', 'list', '--json');
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.stdout) as { email: string; reason: string; source: string }[];
    expect(entries.map((e) => [e.email, e.reason, e.source]).sort()).toEqual([
      ['hannah.cole@example.org', 'asked by phone', 'cli'],
      ['lucy.tran@example.com', 'SpamComplaint', 'import:bounces.csv'],
      ['sam.okafor@example.org', 'HardBounce', 'import:bounces.csv'],
    ]);
  });

  it('refuses a bad address and an unknown action', async () => {
    expect((await cli('suppress', 'add', 'nope')).code).toBe(2);
    // An address copied with its name: the error names the address to give.
    const named = await cli('suppress', 'add', 'Ann Lee <ann.lee@example.com>');
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('write the address alone, without the name: ann.lee@example.com');
    expect(named.stderr).toContain('nothing was suppressed');
    const unknown = await cli('suppress', 'remove', 'a@example.com');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown action "remove"');
  });

  it('fails on a row wider than its header, importing the rows it could read', async () => {
    await project.write('wide.csv', 'email\nx4@example.com,y4@example.com\nz4@example.com\n');
    const result = await cli('suppress', 'import', 'wide.csv');
    expect(result.stderr).toContain('wide.csv:2: this row has 2 cells where the header names 1');
    expect(result.stdout).toContain('imported 1 new address(es); 0 already suppressed; 1 row(s) not read');
    expect(result.code).toBe(2);
  });

  it('imports every list of a wrapper object, past an empty one', async () => {
    await project.write('wrapped.json', '{"errors":[],"items":[{"email":"e1@x.example"}],"more":["e2@x.example"]}');
    const result = await cli('suppress', 'import', 'wrapped.json');
    expect(result.stdout).toContain('imported 2 new address(es); 0 already suppressed; 0 row(s) not read');
    expect(result.code).toBe(0);
  });

  it('imports nothing and fails when no row can be read', async () => {
    await project.write('empty.json', '{"items": [{"name": "x"}]}');
    const result = await cli('suppress', 'import', 'empty.json');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('empty.json:1: email: no address found in this row');
  });
});

describe('rolecast serve', () => {
  it('refuses to start without ROLECAST_SECRET', async () => {
    const result = await runCli(['serve', '--port', '0'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ROLECAST_SECRET is not set');
  });

  it('refuses an empty --host, which would listen on every interface, and serves nothing', async () => {
    // Before, it listened on every interface, failed as a bug, and then ignored SIGTERM.
    const result = await runCli(['serve', '--port', '0', '--host', ''], {
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET },
      timeoutMs: 30_000,
    });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--host is empty');
    expect(result.stderr).toContain('leave --host out to listen on 127.0.0.1 only');
    expect(result.stdout).not.toContain('listening on');
  });

  it('serves on 127.0.0.1, records a one-click unsubscribe, and stops cleanly on SIGTERM', async () => {
    const serve = await startServe({ cwd: project.dir, env: { ROLECAST_SECRET: SECRET } });
    const { url } = serve;
    try {
      const token = signToken({ email: 'ellen.park@example.com', listId: 'weekly.rolecast.example' }, SECRET);
      const response = await fetch(`${url}?token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(response.status).toBe(200);
      expect((await fetch(url.replace('/unsubscribe', '/healthz'))).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited, serve.stderr).toBe(0);
    expect(serve.stderr).not.toContain(SECRET);
    const listed = await cli('suppress', 'list');
    expect(listed.stdout).toContain('ellen.park@example.com\tunsubscribe\tone-click');
  });
});
