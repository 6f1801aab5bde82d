import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * `check` and `send --dry-run` over a JSON subscriber list whose entries say a reader left: the
 * list is refused, naming the file, line, entry and field, and nothing would be sent; a provider's
 * field rolecast reads leaves that reader out.
 */

const ISSUE = 'issues/2026-W48';
let project: TempProject;

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  await project.write(
    'left.json',
    `[
  { "email": "stay@example.com", "roles": ["CTO"] },
  { "email": "left@example.com", "roles": ["CTO"], "unsubscribed": true },
  { "email": "weg@example.com", "roles": ["CTO"], "Abgemeldet": "ja" }
]
`,
  );
  await project.write(
    'read.json',
    `{ "subscribers": [
  { "email": "stay@example.com", "roles": ["CTO"], "unsubscribed": false, "notes": "unsubscribed once, came back" },
  { "email": "ghost@example.com", "roles": ["CTO"], "subscribed_to_emails": false }
] }
`,
  );
});
afterAll(() => project.cleanup());

describe('a JSON subscriber list saying readers left', () => {
  it.each([
    ['check', ['check', ISSUE, '--subscribers', 'left.json']],
    ['send --dry-run', ['send', ISSUE, '--subscribers', 'left.json', '--dry-run']],
  ])('is refused by %s, each entry named', async (_name, args) => {
    const run = await runCli(args, { cwd: project.dir });
    const printed = run.stdout + run.stderr;
    expect(run.code).toBe(2);
    expect(printed).toMatch(/left\.json:3: \[1\]\.unsubscribed: says "true", which rolecast does not read/);
    expect(printed).toMatch(/left\.json:4: \[2\]\.Abgemeldet: says "ja", which rolecast does not read/);
    expect(printed).not.toMatch(/would send|✓/);
  });

  it('leaves out a reader whose provider field says they left, and mails the others', async () => {
    const run = await runCli(['send', ISSUE, '--subscribers', 'read.json', '--dry-run'], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/would send 1 message\(s\)/);
    expect(run.stdout).toMatch(/^total +1 .* 1 +0 +0 +0 +0 +0 +0\s*$/m);
  });
});
