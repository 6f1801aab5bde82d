import { describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { startPreview } from '../../src/preview/index.js';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';
import { ISSUE_DIR, SUBSCRIBERS } from './_fixture.js';

describe('the address the preview listens on', () => {
  it.each(['', '  '])('refuses an empty --host (%j), which would listen on every interface', async (host) => {
    const project = await tempProject({ withExample: true });
    try {
      // Started anyway (the bug), it is closed at once.
      const outcome = await startPreview({ issueDir: ISSUE_DIR, cwd: project.dir, host, port: 0 }).then(
        (preview) => preview.close().then(() => preview),
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(RolecastError);
      expect(outcome).toMatchObject({ code: 'E_USAGE', message: '--host is empty' });
    } finally {
      await project.cleanup();
    }
  });

  it('exits 2 from the command line, naming the option and the fix, and serves nothing', async () => {
    const project = await tempProject({ withExample: true });
    try {
      const result = await runCli(['preview', ISSUE_DIR, '--subscribers', SUBSCRIBERS, '--port', '0', '--host', ''], {
        cwd: project.dir,
        timeoutMs: 30_000,
      });
      expect(result.signal).toBeNull();
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--host is empty');
      expect(result.stderr).toContain('leave --host out to listen on 127.0.0.1 only');
      expect(result.stdout).not.toContain('Preview running');
    } finally {
      await project.cleanup();
    }
  });
});
