import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A delivery report about an internationalised address (RFC 6533) names it as `utf-8;` with every
 * character outside ASCII written `\x{HEX}`. Read as written, it names a mailbox nobody has, and
 * the reader whose address bounced goes on being mailed.
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

describe('bounces import of a report naming a utf-8 address', () => {
  it('suppresses the reader it names, and the next send skips them', async () => {
    const report = readFileSync(join(REPO_ROOT, 'test/bounces/fixtures/postfix-hard.eml'), 'latin1')
      .replace(
        'Final-Recipient: rfc822; gone.reader@example.org',
        'Final-Recipient: utf-8; j\\x{00F6}rg@b\\x{00FC}cher.de',
      )
      .replace('Original-Recipient: rfc822;gone.reader@example.org\n', '')
      // Nothing else ties it to a message: the address it names is all there is.
      .replace(/^Message-ID: <2026-W48\.postfixfixture[^\n]*\n/m, '')
      .replaceAll('gone.reader@example.org', 'someone@example.net');
    await project.write('returned/one.eml', report);
    await project.write(
      'list.json',
      JSON.stringify([
        { email: 'Jörg@Bücher.de', roles: ['CTO'] },
        { email: 'ann@example.com', roles: ['CTO'] },
      ]),
    );

    const imported = await runMain(project.dir, ['bounces', 'import', 'returned']);
    expect(imported.code, imported.all).toBe(0);
    const listed = await runMain(project.dir, ['suppress', 'list']);
    expect(listed.out).toContain('jörg@xn--bcher-kva.de');

    const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'list.json']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['ann@example.com.eml']);
  });
});
