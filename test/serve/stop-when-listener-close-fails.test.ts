import { afterAll, describe, expect, it, vi } from 'vitest';
import { openFilesUnder } from '../helpers/open-files.js';
import { captureStreams, tempProject } from '../helpers/project.js';

/**
 * `serve` stopped by Ctrl+C whose HTTP listener fails to close (Node's server.close reporting an
 * error) must still close its store: the SQLite state file is not left open by the process.
 */

vi.mock('../../src/serve/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/serve/index.js')>();
  return {
    ...real,
    startUnsubscribeServer: async (...args: Parameters<typeof real.startUnsubscribeServer>) => {
      const server = await real.startUnsubscribeServer(...args);
      return {
        ...server,
        close: async (giveUp?: Promise<unknown>) => {
          await server.close(giveUp);
          throw Object.assign(new Error('Server is not running.'), { code: 'ERR_SERVER_NOT_RUNNING' });
        },
      };
    },
  };
});

afterAll(() => {
  vi.doUnmock('../../src/serve/index.js');
  vi.resetModules();
});

describe('serve whose listener fails to close on a stop', () => {
  it('still closes its state file', async () => {
    vi.resetModules();
    const { main } = await import('../../src/cli/main.js');
    const project = await tempProject({ withExample: true });
    try {
      const output = captureStreams();
      const stop = new AbortController();
      const served = main(['serve', '--port', '0'], {
        cwd: project.dir,
        env: { ROLECAST_SECRET: 'listener-close-secret-0123456789abcdefgh' },
        stdout: output.stdout,
        stderr: output.stderr,
        signal: stop.signal,
      });
      for (let i = 0; i < 400 && !output.out.includes('health check'); i++)
        await new Promise((resolve) => setTimeout(resolve, 25));
      expect(output.out, output.err).toContain('health check');
      expect(openFilesUnder(project.dir).some((file) => file.endsWith('state.db'))).toBe(true);
      stop.abort('SIGINT');
      const code = await served;
      expect(code, output.err).not.toBe(0);
      expect(output.err).toContain('Server is not running');
      expect(openFilesUnder(project.dir)).toEqual([]);
    } finally {
      await project.cleanup();
    }
  });
});
