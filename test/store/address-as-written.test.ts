import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, describePostgres } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A local part is case-sensitive (RFC 5321): a reader imported as `John.Smith@example.com` is mailed
 * there, not at `john.smith@example.com`, which a server may deliver to another mailbox. The
 * case-folded form stays the key: the same address in another case is the same reader, and its
 * suppression in any case still keeps them out.
 */

const LIST = [
  { email: 'John.Smith@Example.COM', roles: ['CTO'] },
  { email: 'Ärger@example.com', roles: ['CTO'] },
];

let project: TempProject;
let smtp: TestSmtpServer;
beforeEach(async () => {
  project = await tempProject({ withExample: true, files: { 'list.json': JSON.stringify(LIST) } });
  smtp = await startSmtpServer();
});
afterEach(async () => {
  await smtp.close();
  await project.cleanup();
});

function suite(env: () => NodeJS.ProcessEnv) {
  const run = (argv: string[]) => runMain(project.dir, argv, { ...env(), SMTP_URL: smtp.url() });

  it('mails each imported reader at the address as written, and exports it so', async () => {
    const imported = await run(['subscribers', 'import', 'list.json']);
    expect(imported.code, imported.all).toBe(0);
    const listed = await run(['subscribers', 'list']);
    expect(listed.out).toContain('John.Smith@example.com');
    expect(listed.out).toContain('Ärger@example.com');

    const sent = await run(['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    const messages = await smtp.messages();
    const rcpts = messages.flatMap((m) => m.envelope.to).sort();
    expect(rcpts).toEqual(['John.Smith@example.com', 'Ärger@example.com']);
    const to = messages.map((m) => m.parsed.to && !Array.isArray(m.parsed.to) && m.parsed.to.value[0]?.address);
    expect(to.sort()).toEqual(['John.Smith@example.com', 'Ärger@example.com']);

    const exported = await run(['subscribers', 'export', '--format', 'json']);
    expect(exported.code, exported.all).toBe(0);
    const emails = (JSON.parse(exported.out) as { subscribers: { email: string }[] }).subscribers
      .map((r) => r.email)
      .sort();
    expect(emails).toEqual(['John.Smith@example.com', 'Ärger@example.com']);
  });

  it('keeps one reader per address in any case, and a suppression in any case keeps them out', async () => {
    expect((await run(['subscribers', 'import', 'list.json'])).code).toBe(0);
    await project.write('again.json', JSON.stringify([{ email: 'JOHN.SMITH@example.com', roles: ['CTO'] }]));
    const again = await run(['subscribers', 'import', 'again.json']);
    expect(again.code, again.all).toBe(0);
    const listed = await run(['subscribers', 'list', '--json']);
    expect((JSON.parse(listed.out) as unknown[]).length).toBe(2);

    const suppressed = await run(['suppress', 'add', 'john.smith@example.com']);
    expect(suppressed.code, suppressed.all).toBe(0);
    const upper = await run(['suppress', 'add', 'ÄRGER@EXAMPLE.COM']);
    expect(upper.code, upper.all).toBe(0);
    const sent = await run(['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(await smtp.messages()).toEqual([]);
  });

  it('takes a new spelling of a stored address from a list imported with --update', async () => {
    await project.write('lower.json', JSON.stringify([{ email: 'john.smith@example.com', roles: ['CTO'] }]));
    expect((await run(['subscribers', 'import', 'lower.json'])).code).toBe(0);
    await project.write('fixed.json', JSON.stringify([{ email: 'John.Smith@example.com', roles: ['CTO'] }]));
    const fixed = await run(['subscribers', 'import', 'fixed.json', '--update']);
    expect(fixed.code, fixed.all).toBe(0);
    const sent = await run(['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect((await smtp.messages()).flatMap((m) => m.envelope.to)).toEqual(['John.Smith@example.com']);
  });
}

describe('readers stored in a SQLite state file', () => {
  suite(() => ({}));
});

describePostgres('readers stored in PostgreSQL', () => {
  // A database of its own for each test: the sends of one would be the ledger of the next.
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
  beforeEach(async () => {
    database = await createDatabase('written');
  });
  afterEach(() => database?.drop());
  suite(() => ({ DATABASE_URL: database!.url }));
});
