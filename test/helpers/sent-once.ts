import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { eligible, type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';
import { runCli } from './cli.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

export const SEND = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'];

/**
 * A project of `readers` sent once by the CLI to a test SMTP server, with a cache folder of its own
 * for the state notes; each test's is closed and removed after it.
 */
export function useSentOnce(readers: number) {
  let server: TestSmtpServer | undefined;
  let fixture: SendFixture | undefined;
  let cacheDir: string | undefined;
  afterEach(async () => {
    await server?.close();
    await fixture?.cleanup();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
    server = undefined;
    fixture = undefined;
    cacheDir = undefined;
  });
  return {
    /** Sends the issue to every reader; the environment to run the CLI again with. */
    async sentOnce(): Promise<NodeJS.ProcessEnv> {
      fixture = await sendFixture(readers);
      server = await startSmtpServer();
      cacheDir = mkdtempSync(join(tmpdir(), 'rolecast-cache-sent-'));
      const env = { ...sendEnv(server.url()), ROLECAST_CACHE_DIR: cacheDir };
      const first = await runCli(SEND, { cwd: fixture.dir, env });
      expect(first.code, first.stderr).toBe(0);
      expect((await server.messages()).length).toBe((await eligible(fixture)).length);
      return env;
    },
    get fixture(): SendFixture {
      return fixture!;
    },
    get server(): TestSmtpServer {
      return server!;
    },
    get cacheDir(): string {
      return cacheDir!;
    },
    /** Removes everything in the state folder, as `rm -rf .rolecast/*` does. */
    emptyStateFolder(): void {
      const folder = fixture!.temp.path('.rolecast');
      for (const name of readdirSync(folder)) rmSync(join(folder, name), { recursive: true, force: true });
    },
  };
}
