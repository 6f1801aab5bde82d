import { writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { type Compile, defaultCompile } from '../../src/send/compose.js';
import { sendIssue } from '../../src/send/index.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { generateSubscribers, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

/** Resolves once `condition` holds, checking every few milliseconds; false after `timeoutMs`. */
async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** A server that accepts connections and never says a word: a client waiting for its greeting waits 30 s. */
async function silentServer() {
  const sockets: Socket[] = [];
  const closed: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    socket.on('close', () => closed.push(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    sockets,
    closed,
    url: `smtp://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function send(f: SendFixture, url: string, compile: Compile) {
  return sendIssue({
    issueDir: f.issueDir,
    subscribersFile: f.subscribersFile,
    cwd: f.dir,
    env: sendEnv(url),
    compile,
  });
}

describe('the SMTP check before the first message', () => {
  it('is not made when --strict refuses the plan: nothing connects to the server', async () => {
    const readers = generateSubscribers(6).map((reader, i) => (i === 0 ? { ...reader, roles: ['Astronaut'] } : reader));
    opened.fixture = await sendFixture(6, {}, readers);
    opened.server = await startSmtpServer();
    const f = opened.fixture;
    const refused = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: sendEnv(opened.server.url()),
      strict: true,
    }).catch((e: unknown) => e);
    expect((refused as RolecastError).message).toMatch(/--strict/);
    // A check started before the refusal would connect within moments: give it two seconds to show.
    const server = opened.server;
    expect(await eventually(() => server.counts.connections > 0, 2_000)).toBe(false);
  });

  it('talks to the server while the issue renders, not after', async () => {
    opened.fixture = await sendFixture(8);
    opened.server = await startSmtpServer();
    const server = opened.server;
    let connectedWhileRendering = false;
    const compile: Compile = async (project, variants, options) => {
      // The check opens a connection of its own; the render waits (generously) to see it.
      connectedWhileRendering = await eventually(() => server.counts.connections > 0, 20_000);
      return defaultCompile(project, variants, options);
    };
    const report = await send(opened.fixture, server.url(), compile);
    expect(connectedWhileRendering).toBe(true);
    expect(report.total.sent).toBeGreaterThan(0);
    expect(report.total.failed).toBe(0);
  });

  it('connects while the readers load: the first connection is open before the render starts', async () => {
    opened.fixture = await sendFixture(8);
    // Counts connections as they are accepted (a server's own count waits for its greeting pause).
    const silent = await silentServer();
    try {
      let acceptedAtRender = -1;
      const compile: Compile = async () => {
        // Read at once, not waited for: a check started only now could not have reached the server.
        acceptedAtRender = silent.sockets.length;
        throw new RolecastError('E_TEMPLATE', 'stop here');
      };
      const failed = await send(opened.fixture, silent.url, compile).catch((e: unknown) => e);
      expect((failed as RolecastError).code).toBe('E_TEMPLATE');
      expect(acceptedAtRender).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it('closes the connection it opened while loading when the readers do not load, and waits for no greeting', async () => {
    opened.fixture = await sendFixture(4);
    await writeFile(opened.fixture.subscribersFile, '{"subscribers": [{"email": "not an address", "roles": []}]}');
    const silent = await silentServer();
    try {
      const failed = await send(opened.fixture, silent.url, defaultCompile).catch((e: unknown) => e);
      expect((failed as RolecastError).code).toBe('E_INVALID');
      // Connected while the config was read, and closed with the run, not left to time out.
      expect(await eventually(() => silent.sockets.length === 1 && silent.closed.length === 1, 3_000)).toBe(true);
    } finally {
      await silent.close();
    }
  });

  it('is made again after a render that held the process past a short timeout', async () => {
    // Five readers: the sixth has a role this issue does not cover, a warning --strict refuses.
    opened.fixture = await sendFixture(5);
    opened.server = await startSmtpServer();
    const server = opened.server;
    const f = opened.fixture;
    const busyRender: Compile = async (project, variants, options) => {
      // The check is connecting (its socket is opened on the next turn of the event loop) ...
      await new Promise((resolve) => setImmediate(resolve));
      // ... when a render keeps the event loop to itself for longer than the check's timeouts.
      const until = Date.now() + 2_500;
      while (Date.now() < until) {}
      return defaultCompile(project, variants, options);
    };
    const report = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: sendEnv(server.url()),
      compile: busyRender,
      smtpTimeouts: { connectionMs: 800, greetingMs: 800, socketMs: 800 },
      // With --strict the check starts only once the plan stands, so it is still connecting when
      // the render takes the event loop (otherwise it would have logged in while the list loaded).
      strict: true,
    });
    expect(report.total.sent).toBeGreaterThan(0);
    expect(report.total.failed).toBe(0);
  });

  it('is cut short when the render fails: a server that never greets does not hold the command', async () => {
    opened.fixture = await sendFixture(4);
    const silent = await silentServer();
    try {
      const brokenRender: Compile = async () => {
        expect(await eventually(() => silent.sockets.length > 0, 10_000)).toBe(true);
        throw new RolecastError('E_TEMPLATE', 'the render failed');
      };
      const failed = await send(opened.fixture, silent.url, brokenRender).catch((e: unknown) => e);
      expect((failed as RolecastError).code).toBe('E_TEMPLATE');
      // The check's connection is closed with the transport, not left to time out.
      expect(await eventually(() => silent.closed.length === silent.sockets.length, 3_000)).toBe(true);
    } finally {
      await silent.close();
    }
  });

  it('still stops the send when the login is refused, and a render error is still the one reported', async () => {
    opened.fixture = await sendFixture(5);
    opened.server = await startSmtpServer({ auth: { user: 'mailer', pass: 'right-secret' } });
    const server = opened.server;
    const badLogin = server.url({ user: 'mailer', pass: 'wrong' });
    const refused = await send(opened.fixture, badLogin, defaultCompile).catch((e: unknown) => e);
    expect((refused as RolecastError).code).toBe('E_SMTP_AUTH');
    expect(server.counts.data).toBe(0);

    // The check fails while the render does too: the render's error is reported, as before.
    const brokenRender: Compile = async () => {
      await eventually(() => server.counts.authFailures > 1, 20_000);
      throw new RolecastError('E_TEMPLATE', 'the render failed');
    };
    const both = await send(opened.fixture, badLogin, brokenRender).catch((e: unknown) => e);
    expect((both as RolecastError).code).toBe('E_TEMPLATE');
    expect(server.counts.data).toBe(0);
  });

  it('keeps the checked connection for the messages, and opens the others before the first message', async () => {
    opened.fixture = await sendFixture(9);
    opened.server = await startSmtpServer();
    const server = opened.server;
    let connectionsWhenRendered = 0;
    const compile: Compile = async (project, variants, options) => {
      // The fixture sends over three connections: all are open while the issue still renders.
      expect(await eventually(() => server.counts.connections >= 3, 10_000)).toBe(true);
      connectionsWhenRendered = server.counts.connections;
      return defaultCompile(project, variants, options);
    };
    const report = await send(opened.fixture, server.url(), compile);
    expect(report.total.sent).toBeGreaterThan(3);
    expect(report.total.failed).toBe(0);
    expect(connectionsWhenRendered).toBe(3);
    // No connection of the check's own on top of the three that carried the messages.
    expect(server.counts.connections).toBe(3);
    expect(server.counts.data).toBe(report.total.sent);
  });

  it('tries a refused login once, not once for every connection', async () => {
    opened.fixture = await sendFixture(5);
    opened.server = await startSmtpServer({ auth: { user: 'mailer', pass: 'right-secret' } });
    const server = opened.server;
    const refused = await send(opened.fixture, server.url({ user: 'mailer', pass: 'wrong' }), defaultCompile).catch(
      (e: unknown) => e,
    );
    expect((refused as RolecastError).code).toBe('E_SMTP_AUTH');
    // Any other connection would have logged in within moments.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.counts.authFailures).toBe(1);
    expect(server.counts.connections).toBe(1);
    expect(server.counts.data).toBe(0);
  });
});
