import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { printable, printableLines } from '../../src/printable.js';
import { createReport, formatReport } from '../../src/send/report.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const HOSTILE = '\x1b[2J\r\nfake line\u202e';
/** Any character a terminal would act on instead of showing. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function expectSafe(output: string): void {
  expect(output).not.toMatch(RAW_CONTROL);
  expect(output.split('\n').some((line) => line.startsWith('fake line'))).toBe(false);
}

describe('printable', () => {
  it.each([
    ['\x1b[2J', '\\x1b[2J'],
    ['a\r\nfake line', 'a\\r\\nfake line'],
    ['right\u202eto left', 'right\\u202eto left'],
    ['tab\tand\u0000nul\u007fdel\u0085nel', 'tab\\tand\\x00nul\\x7fdel\\x85nel'],
    ['line\u2028para\u2029', 'line\\u2028para\\u2029'],
    ['isolate\u2066x\u2069', 'isolate\\u2066x\\u2069'],
    ['CTO\u200b', 'CTO\\u200b'],
    ['word\u2060joiner\ufeff', 'word\\u2060joiner\\ufeff'],
    ['family 👨\u200d👩\u200d👧', 'family 👨\u200d👩\u200d👧'],
    ['Zoë 😀 — “quoted”', 'Zoë 😀 — “quoted”'],
  ])('shows %j as %j', (value, shown) => {
    expect(printable(value)).toBe(shown);
  });

  it('keeps the newlines of a printed block and JSON that parses to the same values', () => {
    const json = JSON.stringify({ reason: `x${HOSTILE}\u0085\u007f` }, null, 2);
    const safe = printableLines(json);
    expectSafe(safe);
    expect(safe.split('\n')).toHaveLength(3);
    expect(JSON.parse(safe)).toEqual(JSON.parse(json));
  });

  it('keeps a problem on one line whatever its file, field and message hold', () => {
    const line = formatProblem({
      severity: 'warning',
      file: `subscribers${HOSTILE}.json`,
      line: 3,
      field: `roles${HOSTILE}`,
      message: `unknown role "${HOSTILE}"`,
      hint: `did you mean ${HOSTILE}?`,
    });
    expectSafe(line);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('\\x1b[2J\\r\\nfake line\\u202e');
  });

  it('keeps a send report’s roles, addresses and server replies on their lines', () => {
    const report = createReport(`2026-W48${HOSTILE}`, 'smtp', `smtp://host${HOSTILE}`);
    report.variant(`v${HOSTILE}`, [HOSTILE], 1);
    report.plan([HOSTILE], `v${HOSTILE}`);
    report.outcome([HOSTILE], `v${HOSTILE}`, 'failed');
    report.failure({
      email: `a${HOSTILE}@example.com`,
      variantId: `v${HOSTILE}`,
      status: 'failed',
      responseCode: 550,
      response: `550 no${HOSTILE}`,
      attempts: 1,
    });
    const text = formatReport(report.finish({ interrupted: false, stopped: HOSTILE, elapsedMs: 10 }));
    expectSafe(text);
    expect(text).toContain('\\x1b[2J\\r\\nfake line\\u202e');
  });
});

describe('the CLI shows content and subscriber values as escapes', () => {
  let project: TempProject | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });

  it('in a parsed summary’s title, roles and file name', async () => {
    project = await tempProject({ withExample: true });
    const original = await readFile(project.path('issues/2026-W48/summaries/page-budget-for-on-call.txt'), 'utf8');
    const text = original
      .replace('An Error Budget for Pages', `An Error Budget${HOSTILE} for Pages`)
      .replace(/^Best for: /m, `Best for: Role${HOSTILE}, `);
    const name = `summary${HOSTILE}.txt`;
    await writeFile(project.path(name), text);
    const result = await runCli(['parse', name], { cwd: project.dir });
    expectSafe(result.stdout + result.stderr);
    expect(result.stdout + result.stderr).toContain('\\x1b[2J\\r\\nfake line\\u202e');
    // A file that cannot be read is named the same way.
    const missing = await runCli(['parse', `missing${HOSTILE}.txt`], { cwd: project.dir });
    expect(missing.code).toBe(2);
    expectSafe(missing.stdout + missing.stderr);
    expect(missing.stderr).toContain('missing\\x1b[2J\\r\\nfake line\\u202e.txt');
  });

  it('in warnings about a subscriber’s roles and name', async () => {
    project = await tempProject({ withExample: true });
    const subscribers = [
      // An isolate stays in a name (right-to-left text uses it); an override is refused (see model tests).
      { email: 'a@example.com', name: 'Mallory\u2066', roles: [`Unknown${HOSTILE}`, 'CTO'] },
      { email: 'b@example.com', name: 'Bob', roles: ['CTO'] },
    ];
    await project.write('subs.json', JSON.stringify({ subscribers }));
    const check = await runCli(['check', 'issues/2026-W48', '--subscribers', 'subs.json'], { cwd: project.dir });
    expectSafe(check.stdout + check.stderr);
    expect(check.stdout + check.stderr).toContain('Unknown\\x1b[2J\\r\\nfake line\\u202e');
    const dry = await runCli(['send', 'issues/2026-W48', '--subscribers', 'subs.json', '--dry-run'], {
      cwd: project.dir,
    });
    expectSafe(dry.stdout + dry.stderr);
  });

  it('in the suppression list, with --json still exact', async () => {
    project = await tempProject({ withExample: true });
    const added = await runCli(['suppress', 'add', 'a@example.com', '--reason', `bounce${HOSTILE}\ttab`], {
      cwd: project.dir,
    });
    expect(added.code).toBe(0);
    const list = await runCli(['suppress', 'list'], { cwd: project.dir });
    expectSafe(list.stdout + list.stderr);
    const [row] = list.stdout.trim().split('\n');
    expect(row!.split('\t')).toHaveLength(4);
    expect(row).toContain('bounce\\x1b[2J\\r\\nfake line\\u202e\\ttab');
    const json = await runCli(['suppress', 'list', '--json'], { cwd: project.dir });
    expectSafe(json.stdout);
    expect(JSON.parse(json.stdout)[0].reason).toBe(`bounce${HOSTILE}\ttab`);
  });
});
