import { afterEach, beforeEach, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { type RunningServe, runCli, startServe } from '../helpers/cli.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const SECRET = 'cli-replica-secret-0123456789abcdefghijk';
const LIST = 'weekly.rolecast.example';

describePostgres('rolecast serve with DATABASE_URL', () => {
  const databaseUrl = useFreshDatabase('serve_cli');
  let project: TempProject;
  const running: RunningServe[] = [];
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
  });
  afterEach(async () => {
    for (const r of running.splice(0)) {
      r.child.kill('SIGTERM');
      await r.exited;
    }
    await project.cleanup();
  });

  const env = () => ({ ROLECAST_SECRET: SECRET, SMTP_URL: '', DATABASE_URL: databaseUrl() });
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: env() });

  async function serve(): Promise<RunningServe> {
    const r = await startServe({ cwd: project.dir, env: env(), until: 'health check' });
    running.push(r);
    return r;
  }

  it('two serve processes share the database: an unsubscribe sent to both is recorded once, and the other commands see it', async () => {
    const [a, b] = await Promise.all([serve(), serve()]);
    expect(a.stdout).toMatch(/state: PostgreSQL at postgres:\/\//);
    const token = signToken({ email: 'ellen.park@example.com', listId: LIST }, SECRET);
    const statuses = await Promise.all(
      [a, b, a, b].map((r) =>
        fetch(`${r.url}?token=${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        }).then((response) => response.status),
      ),
    );
    expect(statuses).toEqual([200, 200, 200, 200]);
    const signup = await fetch(a.url.replace('/unsubscribe', '/subscribe'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'new.reader@example.com', roles: ['CTO'] }),
    });
    expect(signup.status).toBe(202);
    // The signup is stored after the answer.
    let listed = '';
    for (let i = 0; i < 100 && !listed.includes('new.reader@example.com'); i++) {
      listed = (await cli('subscribers', 'list', '--status', 'pending')).stdout;
      if (!listed.includes('new.reader@example.com')) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(listed).toContain('new.reader@example.com\tpending\tCTO');
    const announced = [...a.stderr.split('\n'), ...b.stderr.split('\n')].filter((l) => l.startsWith('unsubscribed '));
    expect(announced).toHaveLength(1);
    expect(a.stderr + b.stderr).not.toContain(SECRET);

    const added = await cli('subscribers', 'add', 'ellen.park@example.com', '--roles', 'CTO');
    expect(added.stdout).toContain('it is on the suppression list');
    expect((await cli('bounces', 'list')).stderr).toContain('0 bounce(s) and complaint(s)');
    expect((await cli('report', '--since', '8w', '--json')).code).toBe(0);
    // --state names a SQLite file: refused while DATABASE_URL selects PostgreSQL.
    expect((await cli('subscribers', 'list', '--state', 'x.db')).code).toBe(2);
  }, 120_000);
});
