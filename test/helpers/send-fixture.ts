import { afterEach } from 'vitest';
import type { SendFixture } from '../send/_fixture.js';

/** What a send test opens: its SMTP server (the test server or a raw one) and its project. */
export interface OpenedForSend<Server extends { close(): Promise<void> }> {
  server: Server | undefined;
  fixture: SendFixture | undefined;
}

/**
 * The SMTP server and send fixture a test sets on the returned object, closed and cleaned up after
 * each test (the server first), so the next test starts with neither.
 */
export function useSendFixture<Server extends { close(): Promise<void> }>(): OpenedForSend<Server> {
  const opened: OpenedForSend<Server> = { server: undefined, fixture: undefined };
  afterEach(async () => {
    await opened.server?.close();
    opened.server = undefined;
    await opened.fixture?.cleanup();
    opened.fixture = undefined;
  });
  return opened;
}
