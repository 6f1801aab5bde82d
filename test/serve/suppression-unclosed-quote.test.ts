import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSuppressionFile } from '../../src/serve/suppression-file.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A suppression CSV with a quote that is never closed: read as RFC 4180 says, every line after it
 * is one cell, and the addresses on those lines were suppressed nowhere and named nowhere (the
 * import failed with a message about U+000A). The row holding the quote is named with the line
 * the quote opened on; the rows after it are read.
 */

const read = (text: string) => parseSuppressionFile(text, 'bounces.csv', 'imported');
const emails = (text: string) => read(text).entries.map((e) => [e.email, e.line]);

describe('suppress import of a CSV with a quote never closed', () => {
  it('names the row the quote opened on and reads every row after it', () => {
    const text =
      'email,reason\nann@example.com,bounce\nbob@example.com,"complained\ncat@example.com,bounce\ndan@example.com,spam\n';
    expect(emails(text)).toEqual([
      ['ann@example.com', 2],
      ['bob@example.com', 3],
      ['cat@example.com', 4],
      ['dan@example.com', 5],
    ]);
    expect(read(text).problems).toEqual([
      expect.objectContaining({
        line: 3,
        message: 'a quote opened on line 3 is never closed: this row was read only as far as the quote',
        hint: expect.stringContaining('close the quote'),
      }),
    ]);
  });

  it('keeps the header’s separator and the line numbers over CRLF and an earlier quoted line break', () => {
    const text =
      'Email;Type\r\n"multi\r\nline@example.com";x\r\n"eve@example.com;bounce\r\nfay@example.com;a,b\r\nhal@example.com;c\r\n';
    const { entries, problems } = read(text);
    expect(entries.map((e) => [e.email, e.reason, e.line])).toEqual([
      ['fay@example.com', 'a,b', 5],
      ['hal@example.com', 'c', 6],
    ]);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [4, 'a quote opened on line 4 is never closed: this row was read only as far as the quote'],
      [2, expect.stringContaining('U+000D')],
    ]);
  });

  it('a plain list of addresses with a stray quote', () => {
    expect(emails('ann@example.com\n"bob@example.com\ncat@example.com\n')).toEqual([
      ['ann@example.com', 1],
      ['cat@example.com', 3],
    ]);
  });

  it('a quote left open in the last row only: the rows before it are read', () => {
    const { entries, problems } = read('email\nann@example.com\n"bob@example.com');
    expect(entries.map((e) => e.email)).toEqual(['ann@example.com']);
    expect(problems).toEqual([expect.objectContaining({ line: 3 })]);
  });
});

describe('the CLI', () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
  });
  afterEach(async () => {
    await project.cleanup();
  });

  it('suppresses every readable address, the one before the quote included, names the broken row and exits 2', async () => {
    await project.write(
      'bounces.csv',
      'email,reason\nann@example.com,bounce\nbob@example.com,"oops\ncat@example.com,spam\n',
    );
    const env = { ROLECAST_SECRET: 'unclosed-quote-secret-0123456789abcdef' };
    const imported = await runCli(['suppress', 'import', 'bounces.csv'], { cwd: project.dir, env });
    expect(imported.stderr).toContain(
      'bounces.csv:3: a quote opened on line 3 is never closed: this row was read only as far as the quote',
    );
    expect(imported.stderr).not.toContain('U+000A');
    expect(imported.stdout).toContain('imported 3 new address(es)');
    expect(imported.code).toBe(2);
    const listed = await runCli(['suppress', 'list', '--json'], { cwd: project.dir, env });
    expect((JSON.parse(listed.stdout) as { email: string }[]).map((e) => e.email).sort()).toEqual([
      'ann@example.com',
      'bob@example.com',
      'cat@example.com',
    ]);
  });
});
