import { afterEach, expect, it } from 'vitest';
import { type RunningServe, runCli, startServe } from '../helpers/cli.js';
import { type Cluster, postgresBin, startCluster } from '../helpers/pg-cluster.js';
import { describePostgres } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A signup is answered before it is written. A PostgreSQL restart (or failover) while it is written
 * must not lose it: the visitor was told to check their inbox, and nothing else would tell them it
 * never came. The write is tried again, as while a state file is locked.
 */

const SECRET = 'signup-restart-secret-0123456789abcdefgh';

describePostgres('a signup while its PostgreSQL server restarts', () => {
  let cluster: Cluster | undefined;
  let project: TempProject | undefined;
  let serve: RunningServe | undefined;
  afterEach(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    cluster?.stop();
    await project?.cleanup();
    serve = undefined;
    cluster = undefined;
    project = undefined;
  });

  /** Waits for `text` in what serve logged; fails with the log if serve logs `failure` first. */
  async function logged(running: RunningServe, text: string, failure: string): Promise<void> {
    for (let i = 0; i < 1200 && !running.stderr.includes(text); i++) {
      expect(running.stderr).not.toContain(failure);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(running.stderr).toContain(text);
  }

  it('is written once the server is back, and its confirmation mailed', async () => {
    cluster = await startCluster(postgresBin()!);
    project = await tempProject({ withExample: true });
    const env = { ROLECAST_SECRET: SECRET, SMTP_URL: '', DATABASE_URL: cluster.url };
    serve = await startServe({ cwd: project.dir, env, until: 'health check' });
    cluster.halt('fast');
    const signup = await fetch(serve.url.replace('/unsubscribe', '/subscribe'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'restart.reader@example.com', roles: ['CTO'] }),
    });
    expect(signup.status).toBe(202);
    await logged(serve, 'a signup waits for the database', 'could not record a signup');
    cluster.resume();
    await logged(serve, 'sent a confirmation link (signup)', 'could not record a signup');
    const listed = await runCli(['subscribers', 'list', '--status', 'pending'], { cwd: project.dir, env });
    expect(listed.stdout).toContain('restart.reader@example.com\tpending\tCTO');
  });
});
