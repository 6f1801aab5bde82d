import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { listCandidates } from '../../src/preview/candidates.js';
import { applyEdit, type EditContext, type IssueEdit, issueVersion } from '../../src/preview/editor.js';
import { createIssueWriter } from '../../src/preview/issue-file.js';
import { fromThisMachine } from '../../src/preview/write-routes.js';
import { REPO_ROOT, type TempProject, tempProject } from '../helpers/project.js';

const ISSUE = `{
  "$schema": "../../schemas/issue.schema.json",
  "subject": "Weekly {{week}}",
  "date": "2026-11-26",
  "x-owner": { "desk": "platform" },
  "roleOrder": ["CTO", "Consultant"],
  "summaries": ["summaries/a.txt", "summaries/b.md", "summaries/c.json"],
  "zz-last": true
}
`;
const CONTEXT: EditContext = {
  candidates: ['summaries/d.txt', '../../summaries/pool-one.md'],
  roles: ['CTO', 'Consultant', 'Security Lead', 'Data Scientist', 'AI Architect', 'Tech Laed'],
  taxonomyRoles: ['CTO', 'Consultant', 'Security Lead', 'Data Scientist', 'AI Architect'],
};

function edited(edit: IssueEdit, text = ISSUE): Record<string, unknown> {
  const result = applyEdit(text, edit, CONTEXT);
  if (!result.ok) throw new Error(result.message);
  return JSON.parse(result.text);
}

function refusal(edit: IssueEdit, text = ISSUE): string {
  const result = applyEdit(text, edit, CONTEXT);
  if (result.ok) throw new Error(`expected a refusal, got ${result.text}`);
  return result.message;
}

describe('applyEdit', () => {
  it('writes 2-space JSON with a trailing newline, keeping unknown fields and key order', () => {
    const result = applyEdit(ISSUE, { op: 'set', fields: { subject: 'Week {{week}}: {{roles}}' } }, CONTEXT);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.changed).toBe(true);
    expect(result.text.endsWith('}\n')).toBe(true);
    expect(result.text).toContain('\n  "subject": "Week {{week}}: {{roles}}",\n');
    const manifest = JSON.parse(result.text);
    expect(Object.keys(manifest)).toEqual([
      '$schema',
      'subject',
      'date',
      'x-owner',
      'roleOrder',
      'summaries',
      'zz-last',
    ]);
    expect(manifest['x-owner']).toEqual({ desk: 'platform' });
    expect(manifest['zz-last']).toBe(true);
  });

  it.each([
    ['preheader', 'A short line', ['$schema', 'subject', 'date', 'x-owner', 'preheader', 'roleOrder']],
    ['intro', 'Hello', ['$schema', 'subject', 'date', 'x-owner', 'intro', 'roleOrder']],
    ['editorNote', 'Note', ['$schema', 'subject', 'date', 'x-owner', 'editorNote', 'roleOrder']],
  ] as const)('adds %s where the schema lists it', (field, value, order) => {
    const manifest = edited({ op: 'set', fields: { [field]: value } });
    expect(manifest[field]).toBe(value);
    expect(Object.keys(manifest).slice(0, order.length)).toEqual(order);
  });

  it('removes an optional field set to empty, and keeps a one-line subject on one line', () => {
    const withNote = edited({ op: 'set', fields: { editorNote: 'Note', preheader: 'Pre' } });
    const text = `${JSON.stringify(withNote, null, 2)}\n`;
    const cleared = edited({ op: 'set', fields: { editorNote: '  ', subject: 'Line one\nline two ' } }, text);
    expect(cleared).not.toHaveProperty('editorNote');
    expect(cleared.preheader).toBe('Pre');
    expect(cleared.subject).toBe('Line one line two');
    expect(edited({ op: 'set', fields: { intro: 'Para one\n\nPara two' } }).intro).toBe('Para one\n\nPara two');
  });

  it('never produces an invalid issue.json', () => {
    expect(refusal({ op: 'set', fields: { subject: '   ' } })).toMatch(/would become invalid.*subject: is required/);
    expect(refusal({ op: 'set', fields: { preheader: 'x'.repeat(201) } })).toMatch(/preheader: should stay under 200/);
    let text = ISSUE;
    for (const path of ['summaries/a.txt', 'summaries/b.md']) {
      const result = applyEdit(text, { op: 'exclude', path }, CONTEXT);
      if (!result.ok) throw new Error(result.message);
      text = result.text;
    }
    expect(refusal({ op: 'exclude', path: 'summaries/c.json' }, text)).toMatch(
      /summaries: must list at least one summary file/,
    );
  });

  it('includes a candidate at the end and excludes a listed summary', () => {
    expect(edited({ op: 'include', path: 'summaries/d.txt' }).summaries).toEqual([
      'summaries/a.txt',
      'summaries/b.md',
      'summaries/c.json',
      'summaries/d.txt',
    ]);
    expect(edited({ op: 'include', path: '../../summaries/pool-one.md' }).summaries).toContain(
      '../../summaries/pool-one.md',
    );
    expect(edited({ op: 'exclude', path: 'summaries/b.md' }).summaries).toEqual([
      'summaries/a.txt',
      'summaries/c.json',
    ]);
  });

  it('excludes one copy of a summary listed twice, leaving it in the issue once', () => {
    const twice = ISSUE.replace('"summaries/c.json"]', '"summaries/c.json", "summaries/a.txt"]');
    expect(edited({ op: 'exclude', path: 'summaries/a.txt' }, twice).summaries).toEqual([
      'summaries/a.txt',
      'summaries/b.md',
      'summaries/c.json',
    ]);
  });

  it('refuses to include what is not a candidate or already listed, or to exclude what is not listed', () => {
    expect(refusal({ op: 'include', path: '/etc/passwd' })).toMatch(/not a summary file this issue can include/);
    const withA = { ...CONTEXT, candidates: ['summaries/a.txt'] };
    const result = applyEdit(ISSUE, { op: 'include', path: './summaries/a.txt' }, withA);
    expect(result.ok ? 'ok' : result.message).toMatch(/already in this issue/);
    expect(refusal({ op: 'exclude', path: 'summaries/zzz.txt' })).toMatch(/not listed in issue\.json/);
  });

  it('reorders summaries, but only as a permutation of the listed ones', () => {
    const order = ['summaries/c.json', 'summaries/a.txt', 'summaries/b.md'];
    expect(edited({ op: 'order', list: 'summaries', value: order }).summaries).toEqual(order);
    for (const value of [
      ['summaries/c.json', 'summaries/a.txt'],
      ['summaries/c.json', 'summaries/a.txt', 'summaries/d.txt'],
      ['summaries/a.txt', 'summaries/a.txt', 'summaries/b.md'],
    ])
      expect(refusal({ op: 'order', list: 'summaries', value })).toMatch(/does not list the same summaries/);
  });

  it('reorders roles, keeping roles left out of the new order and refusing unknown or repeated ones', () => {
    expect(edited({ op: 'order', list: 'roleOrder', value: ['Security Lead', 'CTO'] }).roleOrder).toEqual([
      'Security Lead',
      'CTO',
      'Consultant',
    ]);
    const noOrder = ISSUE.replace('  "roleOrder": ["CTO", "Consultant"],\n', '');
    const added = edited({ op: 'order', list: 'roleOrder', value: ['Data Scientist', 'CTO'] }, noOrder);
    expect(added.roleOrder).toEqual(['Data Scientist', 'CTO']);
    expect(Object.keys(added).indexOf('roleOrder')).toBe(Object.keys(added).indexOf('summaries') - 1);
    expect(refusal({ op: 'order', list: 'roleOrder', value: ['Chief Vibes Officer'] })).toMatch(/not a known role/);
    expect(refusal({ op: 'order', list: 'roleOrder', value: ['CTO', 'cto'] })).toMatch(/listed twice/);
  });

  it('moving one role moves only that role: a listed role without summaries keeps its place, and a role only a summary names is not written', () => {
    const listed = ISSUE.replace(
      '"roleOrder": ["CTO", "Consultant"]',
      '"roleOrder": ["CTO", "AI Architect", "Consultant"]',
    );
    // The panel lists the roles this week's summaries name: AI Architect has none, "Tech Laed" is a typo in one.
    const moved = edited(
      { op: 'order', list: 'roleOrder', value: ['CTO', 'Security Lead', 'Consultant', 'Tech Laed'] },
      listed,
    );
    expect(moved.roleOrder).toEqual(['CTO', 'AI Architect', 'Security Lead', 'Consultant']);
  });

  it('reports a file that is not a JSON object instead of overwriting it', () => {
    expect(refusal({ op: 'set', fields: { subject: 'x' } }, '{ "subject": ')).toMatch(/not a valid JSON object/);
    expect(refusal({ op: 'set', fields: { subject: 'x' } }, '[1, 2]')).toMatch(/not a valid JSON object/);
  });

  it('says when an edit changes nothing', () => {
    const formatted = applyEdit(ISSUE, { op: 'set', fields: {} }, CONTEXT);
    if (!formatted.ok) throw new Error(formatted.message);
    const again = applyEdit(formatted.text, { op: 'set', fields: { subject: 'Weekly {{week}}' } }, CONTEXT);
    expect(again).toEqual({ ok: true, text: formatted.text, changed: false });
  });
});

describe('the issue.json writer', () => {
  let project: TempProject | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });
  const context = async () => CONTEXT;

  it('writes by rename when the version matches, leaving no temp file', async () => {
    project = await tempProject({ files: { 'issue/issue.json': ISSUE } });
    const file = project.path('issue/issue.json');
    const writer = createIssueWriter(file);
    const outcome = await writer.apply(issueVersion(ISSUE), { op: 'exclude', path: 'summaries/a.txt' }, context);
    const text = await readFile(file, 'utf8');
    expect(outcome).toEqual({ kind: 'written', version: issueVersion(text), changed: true });
    expect(JSON.parse(text).summaries).toEqual(['summaries/b.md', 'summaries/c.json']);
    expect(await readdir(project.path('issue'))).toEqual(['issue.json']);
  });

  it('refuses a write made from an older version and leaves the file as the outside edit left it', async () => {
    project = await tempProject({ files: { 'issue/issue.json': ISSUE } });
    const file = project.path('issue/issue.json');
    const outside = ISSUE.replace('Weekly {{week}}', 'Changed in another editor');
    await writeFile(file, outside);
    const before = await stat(file);
    const outcome = await createIssueWriter(file).apply(
      issueVersion(ISSUE),
      { op: 'set', fields: { subject: 'Mine' } },
      context,
    );
    expect(outcome).toEqual({ kind: 'conflict', version: issueVersion(outside) });
    expect(await readFile(file, 'utf8')).toBe(outside);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('runs writes one at a time: the second of two racing writes from one version is a conflict', async () => {
    project = await tempProject({ files: { 'issue/issue.json': ISSUE } });
    const writer = createIssueWriter(project.path('issue/issue.json'));
    const version = issueVersion(ISSUE);
    const [first, second] = await Promise.all([
      writer.apply(version, { op: 'set', fields: { subject: 'First' } }, context),
      writer.apply(version, { op: 'set', fields: { subject: 'Second' } }, context),
    ]);
    expect(first.kind).toBe('written');
    expect(second.kind).toBe('conflict');
    expect(JSON.parse(await readFile(project.path('issue/issue.json'), 'utf8')).subject).toBe('First');
  });

  it('does not write an edit that would make issue.json invalid', async () => {
    project = await tempProject({ files: { 'issue/issue.json': ISSUE } });
    const outcome = await createIssueWriter(project.path('issue/issue.json')).apply(
      issueVersion(ISSUE),
      { op: 'set', fields: { subject: '' } },
      context,
    );
    expect(outcome.kind).toBe('invalid');
    expect(await readFile(project.path('issue/issue.json'), 'utf8')).toBe(ISSUE);
  });
});

describe('listCandidates', () => {
  let project: TempProject | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });

  function configAt(dir: string, pool?: string): ResolvedConfig {
    return {
      file: join(dir, 'rolecast.config.json'),
      rolesFile: join(REPO_ROOT, 'roles.yaml'),
      timezone: 'UTC',
      ...(pool ? { pool, poolDir: join(dir, pool) } : { poolDir: join(dir, 'summaries') }),
    } as unknown as ResolvedConfig;
  }

  const entry = (title: string, extra = '') => `${title}\nSummary\nA pool summary.\nBest for: CTO\n${extra}`;

  it('lists unlisted files of the issue folder by path, and ready, unused pool entries as pool:<id>', async () => {
    project = await tempProject({
      files: {
        'issues/W1/issue.json': ISSUE,
        'issues/W1/summaries/a.txt': 'x',
        'issues/W1/summaries/d.txt': 'x',
        'issues/W1/summaries/e.markdown': 'x',
        'issues/W1/notes.png': 'x',
        'issues/W1/.hidden.md': 'x',
        'summaries/pool-one.txt': entry('Pool One', 'Date: 2026-11-20\n'),
        'summaries/pool-two.txt': entry('Pool Two', 'Date: 2026-11-10\n'),
        'summaries/draft-one.txt': entry('Draft One', 'Status: draft\n'),
        'summaries/used-before.txt': entry('Used Before'),
        'issues/W0/issue.json': JSON.stringify({ subject: 'S', date: '2026-11-02', summaries: ['pool:used-before'] }),
      },
    });
    const issueDir = project.path('issues/W1');
    const found = await listCandidates(configAt(project.dir), issueDir, ['summaries/a.txt'], project.dir);
    expect(found).toEqual([
      { path: 'summaries/d.txt', source: 'issue' },
      // Read as Markdown like .md, and warned about by check when unlisted: the panel offers it too.
      { path: 'summaries/e.markdown', source: 'issue' },
      { path: 'pool:pool-one', source: 'pool', title: 'Pool One' },
      { path: 'pool:pool-two', source: 'pool', title: 'Pool Two' },
    ]);
    // An entry this issue already lists is not offered again.
    const listed = await listCandidates(configAt(project.dir), issueDir, ['pool:pool-one'], project.dir);
    expect(listed.map((c) => c.path)).not.toContain('pool:pool-one');
    // Written with a space after the colon, the entry names the same summary, which the loader reads.
    const spaced = await listCandidates(configAt(project.dir), issueDir, ['pool: pool-one '], project.dir);
    expect(spaced.map((c) => c.path)).not.toContain('pool:pool-one');
  });

  it('uses the config pool folder when set, and no pool when the folder does not exist', async () => {
    project = await tempProject({
      files: {
        'issues/W1/issue.json': ISSUE,
        'shared/p.txt': entry('Shared'),
        'summaries/not-the-pool.txt': entry('No'),
      },
    });
    const issueDir = project.path('issues/W1');
    expect(await listCandidates(configAt(project.dir, 'shared'), issueDir, [], project.dir)).toEqual([
      { path: 'pool:p', source: 'pool', title: 'Shared' },
    ]);
    expect(await listCandidates(configAt(project.dir, 'missing'), issueDir, [], project.dir)).toEqual([]);
  });
});

describe('fromThisMachine', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.168.1.20', false],
    ['::ffff:10.0.0.5', false],
    ['fe80::1', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(fromThisMachine(address)).toBe(expected);
  });
});
