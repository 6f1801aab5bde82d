import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describePostgres, postgresUrl } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { selfSignedCertificate } from '../helpers/self-signed.js';

const PASSWORD = 'S3cretPassw0rd';

/**
 * A DATABASE_URL asking for TLS that fails at the first connection says what to change in the URL:
 * pg reads sslmode=require as verify-full, so a certificate no public CA signed is refused where
 * psql would connect.
 */
describe('a DATABASE_URL whose TLS fails', () => {
  let project: TempProject;
  let folder: string;
  let server: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    project = await tempProject({ withExample: true });
    folder = mkdtempSync(join(tmpdir(), 'rolecast-pg-tls-'));
    const { key, cert } = selfSignedCertificate(folder, 'db.internal');
    // A server that takes PostgreSQL's SSLRequest ('S') and then shows a self-signed certificate.
    server = createServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => {
        socket.write('S');
        const secure = new TLSSocket(socket, { isServer: true, key, cert });
        secure.on('error', () => {});
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
    await project.cleanup();
  });

  it('a certificate that does not verify: names sslrootcert and the libpq reading of sslmode=require', async () => {
    const address = server.address() as { port: number };
    const result = await runCli(['status', 'issues/2026-W48'], {
      cwd: project.dir,
      env: { DATABASE_URL: `postgres://rolecast:${PASSWORD}@127.0.0.1:${address.port}/rolecast?sslmode=require` },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /cannot reach the database at postgres:\/\/rolecast:\*\*\*@127\.0\.0\.1:\d+\/rolecast/,
    );
    expect(result.stderr).toContain('self-signed certificate');
    expect(result.stderr).toContain('?sslrootcert=FILE');
    expect(result.stderr).toContain('uselibpqcompat=true&sslmode=require');
    expect(result.stderr).not.toContain(PASSWORD);
  });

  describePostgres('on a server without TLS', () => {
    it('says the server does not offer TLS and how to go on', async () => {
      const url = new URL(postgresUrl);
      url.password = PASSWORD;
      url.searchParams.set('sslmode', 'verify-full');
      const result = await runCli(['status', 'issues/2026-W48'], {
        cwd: project.dir,
        env: { DATABASE_URL: url.toString() },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('does not support SSL connections');
      expect(result.stderr).toContain('this server does not offer it');
      expect(result.stderr).not.toContain(PASSWORD);
    });
  });
});
