import { chmod, readFile, symlink, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { formatProblem, type Problem, RolecastError } from '../../src/errors.js';
import { loadIssue } from '../../src/load/issue.js';
import { inspectProject } from '../../src/load/project.js';
import { parseSubscribers } from '../../src/load/subscribers.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: ['Chief Technology Officer'] }]);
const errorsOf = (problems: Problem[]) => problems.filter((p) => p.severity === 'error').map(formatProblem);

/** A summary file in a project of its own, outside the one under test, removed afterwards. */
async function withOutsideFile(run: (secret: string) => Promise<void>): Promise<void> {
  const outside = await tempProject({ files: { 'secret.txt': 'Private\nSummary\nnot for mail\nBest for: CTO\n' } });
  try {
    await run(outside.path('secret.txt'));
  } finally {
    await outside.cleanup();
  }
}

describe('bad summaries name the file, the line and the fix', () => {
  it.each([
    { name: 'an empty file', file: 'e.txt', text: '  \n\n', error: 'e.txt:1: file: is empty' },
    {
      name: 'a missing title',
      file: 't.txt',
      text: 'Summary\nText.\nBest for: CTO',
      error: 't.txt:1: title: is missing',
    },
    {
      name: 'a missing Summary',
      file: 's.txt',
      text: 'Title\nKey takeaway\nx\nBest for: CTO',
      error: 's.txt:1: summary: the "Summary" section is missing',
    },
    {
      name: 'a missing Best for',
      file: 'b.txt',
      text: 'Title\nSummary\nText.\nTopics\n- a',
      error: 'b.txt:5: roles: the "Best for:" line is missing',
    },
    {
      name: 'invalid JSON',
      file: 'j.json',
      text: '{\n  "title": "x",\n  "summary": "y"\n  "roles": ["CTO"]\n}',
      error: 'j.json:4: json: invalid JSON',
    },
    {
      name: 'a javascript: URL',
      file: 'u.json',
      text: '{"title":"x","summary":"y","roles":["CTO"],\n"url":"javascript:alert(1)"}',
      error: 'u.json:2: url: must be an http(s):// or mailto: link',
    },
    {
      name: 'a javascript: link line',
      file: 'l.txt',
      text: 'T\nSummary\nx\nBest for: CTO\nLink: javascript:alert(1)',
      error: 'l.txt:5: url: must be an http(s):// or mailto: link',
    },
    {
      name: 'Markdown without roles',
      file: 'm.md',
      text: '---\ntitle: Hello\n---\nBody text.',
      error: 'm.md:1: roles: is required — add a line "roles: [Role, …]" to the frontmatter',
    },
  ])('$name', ({ file, text, error }) => {
    const { summary, problems } = parseSummary(text, file, taxonomy);
    expect(summary).toBeUndefined();
    expect(errorsOf(problems).join('\n')).toContain(error);
    for (const problem of problems.filter((p) => p.severity === 'error'))
      expect(problem.hint, formatProblem(problem)).toBeTruthy();
  });

  it('reads Markdown with frontmatter', () => {
    const text =
      '---\ntitle: Hello\nroles: [Chief Technology Officer]\ntopics:\n  - one\nurl: https://example.com/x\n---\n\nFirst para\nwraps.\n\nSecond.';
    const { summary, problems } = parseSummary(text, 'hello.md', taxonomy);
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({
      id: 'hello',
      title: 'Hello',
      summary: 'First para wraps.\n\nSecond.',
      roles: ['CTO'],
      topics: ['one'],
    });
  });
});

describe('bad subscribers are each reported with index and field', () => {
  it('reports a bad email, an unknown time zone and a bad status in one pass', () => {
    const text = JSON.stringify(
      [
        { email: 'ok@example.com', roles: ['CTO'] },
        { email: 'not-an-email', roles: ['CTO'] },
        { email: 'tz@example.com', roles: ['CTO'], timezone: 'Mars/Olympus' },
        { email: 'st@example.com', status: 'paused' },
      ],
      null,
      2,
    );
    const { subscribers, problems } = parseSubscribers(text, 'subs.json', taxonomy);
    expect(subscribers.map((s) => s.email)).toEqual(['ok@example.com']);
    const errors = errorsOf(problems);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^subs\.json:\d+: \[1\]\.email: is not a valid email address/);
    expect(errors[1]).toMatch(/^subs\.json:\d+: \[2\]\.timezone: is not a known IANA time zone/);
    expect(errors[2]).toMatch(/^subs\.json:\d+: \[3\]\.status: .* — use one of: "active", "unsubscribed"/);
    expect(errors[0]).toContain('subs.json:9:');
  });

  it('rejects CR/LF in a name that would reach a header', () => {
    const { problems } = parseSubscribers(
      '[{"email":"a@example.com","name":"Eve\\r\\nBcc: x@evil.example"}]',
      's.json',
      taxonomy,
    );
    expect(errorsOf(problems)[0]).toContain('[0].name: must not contain line breaks');
  });

  it('says which type a field needs when it holds another, rather than that it is missing', () => {
    const { problems } = parseSubscribers(
      '[{"email": 42}, {"email": "b@example.com", "name": ["B"]}]',
      's.json',
      taxonomy,
    );
    expect(errorsOf(problems)).toEqual([
      's.json:1: [0].email: must be text, not a number (got 42) — write it as text',
      expect.stringContaining('[1].name: must be text, not a list'),
    ]);
  });

  it('warns about duplicates and alias roles are normalised', () => {
    const text =
      '{"subscribers":[{"email":"a@example.com","roles":["chief technology officer"]},{"email":"A@example.com"}]}';
    const { subscribers, problems } = parseSubscribers(text, 's.json', taxonomy);
    expect(subscribers).toEqual([expect.objectContaining({ email: 'a@example.com', roles: ['CTO'] })]);
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('duplicate of entry [0]') }),
    ]);
  });
});

/** A project's files with issue `x` listing `summaries`, beside `others`. */
function issueFiles(summaries: string[], others: Record<string, string>): Record<string, string> {
  return {
    'issues/x/issue.json': JSON.stringify({ subject: 'S', date: '2026-11-26', summaries }),
    ...others,
  };
}

describe('issue manifests', () => {
  let project: TempProject;
  afterEach(() => project?.cleanup());

  it('points at the manifest line naming a file that does not exist', async () => {
    project = await tempProject({
      files: {
        'issues/x/issue.json':
          '{\n  "subject": "S",\n  "date": "2026-11-26",\n  "summaries": [\n    "a.txt",\n    "missing.txt"\n  ]\n}\n',
        'issues/x/a.txt': 'T\nSummary\nx\nBest for: CTO\n',
      },
    });
    const { problems } = await loadIssue(project.path('issues/x'), taxonomy);
    expect(errorsOf(problems)).toEqual([
      expect.stringMatching(
        /issue\.json:6: summaries\[1\]: names "missing\.txt", which does not exist — create .*missing\.txt/,
      ),
    ]);
  });

  it('says a listed path is a folder, or cannot be read for want of permission, not that it does not exist', async () => {
    project = await tempProject({
      files: {
        'issues/x/issue.json':
          '{\n  "subject": "S",\n  "date": "2026-11-26",\n  "summaries": [\n    "summaries",\n    "locked.txt"\n  ]\n}\n',
        'issues/x/summaries/a.txt': 'T\nSummary\nx\nBest for: CTO\n',
        'issues/x/locked.txt': 'T\nSummary\nx\nBest for: CTO\n',
      },
    });
    await chmod(project.path('issues/x/locked.txt'), 0o000);
    const { problems } = await loadIssue(project.path('issues/x'), taxonomy);
    const errors = errorsOf(problems);
    expect(errors[0]).toMatch(/issue\.json:5: summaries\[0\]: names "summaries", a folder — name a summary file in it/);
    // Root reads any file: only an ordinary user gets the permission error.
    if (process.getuid?.() !== 0)
      expect(errors[1]).toMatch(
        /issue\.json:6: summaries\[1\]: names "locked\.txt", which cannot be read \(permission denied\)/,
      );
    for (const error of errors) expect(error).not.toMatch(/does not exist/);
  });

  it('refuses a summary outside the project folder, by path or through a symlink', async () => {
    await withOutsideFile(async (secret) => {
      project = await tempProject({
        files: issueFiles(['a.txt', secret, '../../../etc/hostname', 'linked.txt', '../shared/b.txt'], {
          'issues/x/a.txt': 'T\nSummary\nx\nBest for: CTO\n',
          'issues/shared/b.txt': 'B\nSummary\ny\nBest for: CTO\n',
        }),
      });
      await symlink(secret, project.path('issues/x/linked.txt'));
      const { issue, problems } = await loadIssue(project.path('issues/x'), taxonomy);
      const errors = errorsOf(problems);
      // Only the two inside are read.
      expect(issue?.summaries.map((x) => x.title)).toEqual(['T', 'B']);
      expect(errors).toHaveLength(3);
      for (const error of errors)
        expect(error).toMatch(/summaries\[[123]\]: names .*, which is outside the project folder/);
    });
  });

  it('warns of unknown manifest keys and of overrides that match nothing; an alias override is its role', async () => {
    project = await tempProject({
      files: {
        'issues/x/issue.json': JSON.stringify(
          {
            subject: 'S',
            date: '2026-11-26',
            editorsNote: 'misspelt',
            summaries: ['a.txt'],
            overrides: {
              'Chief Technology Officer': { intro: 'For CTOs.' },
              Executiv: { intro: 'typo' },
              'cto+executive': { subject: 'both' },
            },
          },
          null,
          2,
        ),
        'issues/x/a.txt': 'T\nSummary\nx\nBest for: CTO, Executive\n',
      },
    });
    const { issue, problems } = await loadIssue(project.path('issues/x'), taxonomy);
    const warnings = problems.filter((p) => p.severity === 'warning').map(formatProblem);
    // Executive is not in this taxonomy: its summary still makes it a role of the issue.
    expect(warnings).toEqual([
      expect.stringMatching(
        /issue\.json:4: warning: editorsNote: is not a known field and is ignored — did you mean "editorNote"\?/,
      ),
      expect.stringMatching(/a\.txt:4: warning: roles: unknown role "Executive"/),
      expect.stringMatching(
        /issue\.json:12: warning: overrides\.Executiv: matches no role and no variant id of this issue, and is ignored/,
      ),
    ]);
    expect(issue?.manifest.overrides?.CTO).toEqual({ intro: 'For CTOs.' });
  });

  it('refuses a subject that reads a value no subject has, at its line, with the value probably meant', async () => {
    project = await tempProject({
      files: {
        'issues/x/issue.json': JSON.stringify(
          {
            subject: '{{Lead}} · Week {{wek}} {{#if title}}{{title}}{{/if}}',
            date: '2026-11-26',
            summaries: ['a.txt'],
            overrides: { CTO: { subject: '{{top}} for {{roles}}' } },
          },
          null,
          2,
        ),
        'issues/x/a.txt': 'T\nSummary\nx\nBest for: CTO\n',
      },
    });
    const { problems } = await loadIssue(project.path('issues/x'), taxonomy);
    expect(errorsOf(problems)).toEqual([
      expect.stringMatching(
        /issue\.json:2: subject: reads \{\{Lead\}\}, which is no subject value .* — did you mean \{\{lead\}\}\?/,
      ),
      expect.stringMatching(/issue\.json:2: subject: reads \{\{wek\}\}, .* — did you mean \{\{week\}\}\?/),
    ]);
  });

  it('refuses a subject or an override subject that would not compile, at its line, naming the override', async () => {
    project = await tempProject({
      files: {
        'issues/x/issue.json': JSON.stringify(
          {
            subject: '{{lead}} · {{weekLabel',
            date: '2026-11-26',
            summaries: ['a.txt'],
            overrides: {
              Executive: { subject: '{{#if}}broken' },
              CTO: { subject: '{{#each roles}}x{{/if}}' },
              cto: { subject: '{{#if top}}{{top}}{{^}}{{title}}{{/if}} · {{lead}}' },
            },
          },
          null,
          2,
        ),
        'issues/x/a.txt': 'T\nSummary\nx\nBest for: CTO\n',
      },
    });
    const { problems } = await loadIssue(project.path('issues/x'), taxonomy);
    expect(errorsOf(problems)).toEqual([
      expect.stringMatching(
        /issue\.json:2: subject: is not a valid template: "\{\{weekLabel" is never closed with "\}\}"/,
      ),
      expect.stringMatching(
        /issue\.json:9: overrides\.Executive\.subject: is not a valid template: \{\{#if\}\} is never closed with \{\{\/if\}\}/,
      ),
      expect.stringMatching(
        /issue\.json:12: overrides\.CTO\.subject: is not a valid template: \{\{#each\}\} is closed by \{\{\/if\}\}/,
      ),
    ]);
  });

  it("warns of a role in the config's roleOrder that the taxonomy does not know", async () => {
    project = await tempProject({ withExample: true });
    const configFile = project.path('rolecast.config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(configFile, JSON.stringify({ ...config, roleOrder: ['CTO', 'Executiv'] }));
    const { problems } = await inspectProject({ issueDir: 'issues/2026-W48', cwd: project.dir });
    expect(problems.filter((p) => p.field?.startsWith('roleOrder')).map(formatProblem)).toEqual([
      expect.stringMatching(
        /rolecast\.config\.json: warning: roleOrder\[1\]: unknown role "Executiv"; it orders no section — did you mean Executive\?/,
      ),
    ]);
  });

  it('lists symlinked pool files, refusing one that leads out of the project', async () => {
    await withOutsideFile(async (secret) => {
      project = await tempProject({
        files: issueFiles(['pool:kept', 'pool:leak'], {
          'drafts/kept.txt': 'Kept\nSummary\ny\nBest for: CTO\n',
          'summaries/.keep': '',
        }),
      });
      await symlink(project.path('drafts/kept.txt'), project.path('summaries/kept.txt'));
      await symlink(secret, project.path('summaries/leak.txt'));
      const { issue, problems } = await loadIssue(project.path('issues/x'), taxonomy);
      expect(errorsOf(problems)).toEqual([
        expect.stringMatching(/summaries\[1\]: names "pool:leak", whose file leads outside the project folder/),
      ]);
      expect(issue?.summaries.map((x) => x.title)).toEqual(['Kept']);
    });
  });

  it('reports every problem at once: bad date and bad summary', async () => {
    project = await tempProject({
      files: {
        'issues/x/issue.json': '{"subject": "S", "date": "26/11/2026", "summaries": ["a.txt"]}',
        'issues/x/a.txt': 'T\nSummary\nx\n',
      },
    });
    const { problems } = await loadIssue(project.path('issues/x'), taxonomy);
    expect(errorsOf(problems)).toEqual([expect.stringContaining('date: must be a date written as YYYY-MM-DD')]);
  });

  it("says how to write a summary's date in each format, at its line", () => {
    const cases: [string, string, string][] = [
      ['a.txt', 'Title\n\nSummary\nWhat it says.\n\nBest for: CTO\nDate: 20/11/2026\n', 'a.txt:7: date: '],
      ['a.md', '---\ntitle: T\nroles: [CTO]\ndate: 2026-13-01\n---\nWhat it says.\n', 'a.md:4: date: '],
      [
        'a.json',
        '{"title": "T", "summary": "What it says.", "roles": ["CTO"], "date": "2026-02-30"}',
        'a.json:1: date: ',
      ],
    ];
    for (const [file, text, where] of cases) {
      const { problems } = parseSummary(text, file, taxonomy);
      const shown = problems.map(formatProblem);
      expect(shown).toEqual([expect.stringContaining(where)]);
      expect(shown[0]).toMatch(/ — write .*YYYY-MM-DD.*2026-11-20/);
    }
  });

  it('refuses a year before 1900 in an issue or a summary date, once per date', async () => {
    project = await tempProject({
      files: {
        'issues/x/issue.json': '{"subject": "S", "date": "0000-11-30", "summaries": ["a.json"]}',
        'issues/y/issue.json': '{"subject": "S", "date": "2026-11-30", "summaries": ["../x/a.json"]}',
        'issues/x/a.json': '{"title": "T", "summary": "x", "roles": ["CTO"], "date": "0202-01-05"}',
      },
    });
    const issue = await loadIssue(project.path('issues/x'), taxonomy);
    expect(errorsOf(issue.problems)).toEqual([
      expect.stringMatching(/issue\.json:1: date: is before 1900: check the year/),
    ]);
    const summary = await loadIssue(project.path('issues/y'), taxonomy);
    expect(errorsOf(summary.problems)).toEqual([
      expect.stringMatching(/a\.json:1: date: is before 1900: check the year/),
    ]);
  });

  it('says a list of summaries is needed when it names one as text', async () => {
    project = await tempProject({
      files: { 'issues/x/issue.json': '{"subject": "S", "date": "2026-11-26", "summaries": "a.txt"}' },
    });
    const { problems } = await loadIssue(project.path('issues/x'), taxonomy);
    expect(errorsOf(problems)).toEqual([expect.stringContaining('summaries: must be a list, not text')]);
  });

  it('rejects a subject with a line break', async () => {
    project = await tempProject({
      files: { 'issues/x/issue.json': '{"subject": "S\\nBcc: a@b.c", "date": "2026-11-26", "summaries": ["a.txt"]}' },
    });
    const { problems } = await loadIssue(project.path('issues/x'), taxonomy);
    expect(errorsOf(problems)).toEqual([expect.stringContaining('subject: must not contain line breaks')]);
  });
});

describe('config', () => {
  it('names the field and line of a missing or invalid value', () => {
    const text = '{\n  "sender": { "name": "N", "email": "bad" },\n  "listId": "list.example.com",\n  "footer": {}\n}';
    try {
      parseConfig(text, '/tmp/rolecast.config.json');
      expect.unreachable('config should be rejected');
    } catch (error) {
      expect(error).toBeInstanceOf(RolecastError);
      const lines = (error as RolecastError).problems.map(formatProblem);
      expect(lines).toEqual([
        expect.stringMatching(/rolecast\.config\.json:2: sender\.email: is not a valid email address/),
        expect.stringMatching(/rolecast\.config\.json:4: footer\.postalAddress: is required/),
      ]);
    }
  });

  it('lists misspelt keys with the invalid values, in one pass', () => {
    const text =
      '{\n  "sendr": { "name": "N", "email": "n@example.com" },\n  "listId": "list.example.com",\n  "footer": { "postalAddress": "1 Main St" }\n}';
    try {
      parseConfig(text, '/tmp/rolecast.config.json');
      expect.unreachable('config should be rejected');
    } catch (error) {
      const lines = (error as RolecastError).problems.map(formatProblem);
      expect(lines).toEqual([
        expect.stringMatching(/sender: is required/),
        expect.stringMatching(/rolecast\.config\.json:2: warning: sendr: .*did you mean "?sender"?/),
      ]);
    }
  });
});

describe('config urls', () => {
  it.each([
    ['https://news.example.com/preferences', { preferences: 'https://news.example.com/preferences' }],
    ['https://news.example.com/confirm', {}],
    ['https://news.example.com/webhooks/generic', {}],
  ])('refuses a one-click path %s that serve answers with another page', (unsubscribe, others) => {
    const config = {
      sender: { name: 'N', email: 'news@example.com' },
      listId: 'list.example.com',
      footer: { postalAddress: '1 Main St' },
      urls: { unsubscribe, ...others },
    };
    const text = JSON.stringify(config, null, 2);
    expect(() => parseConfig(text, '/tmp/rolecast.config.json')).toThrow(RolecastError);
    try {
      parseConfig(text, '/tmp/rolecast.config.json');
    } catch (error) {
      expect((error as RolecastError).problems.map(formatProblem)).toEqual([
        expect.stringMatching(
          /urls\.unsubscribe: uses the path .*, which serve answers with another page — give the one-click endpoint a path of its own/,
        ),
      ]);
    }
    const fine = { ...config, urls: { unsubscribe: 'https://news.example.com/unsubscribe', ...others } };
    expect(() => parseConfig(JSON.stringify(fine), '/tmp/rolecast.config.json')).not.toThrow();
  });
});

describe('CSV subscriber lists', () => {
  it('reads a header row, quoted cells, CRLF and | separated roles', async () => {
    const { parseSubscribersCsv } = await import('../../src/load/subscribers.js');
    const csv =
      'Email,Name,Roles,Timezone\r\na@example.com,"Doe, Jane", CTO|Chief Technology Officer ,Europe/Berlin\r\n\r\nbad,,CTO,\r\n';
    const { subscribers, problems } = parseSubscribersCsv(csv, 'list.csv', taxonomy);
    expect(subscribers).toEqual([
      expect.objectContaining({ email: 'a@example.com', name: 'Doe, Jane', roles: ['CTO'], timezone: 'Europe/Berlin' }),
    ]);
    expect(errorsOf(problems)).toEqual([
      'list.csv:4: [1].email: is not a valid email address (got "bad") — write it as name@example.com',
    ]);
  });
});

describe('large subscriber lists', () => {
  it('reports an unknown role once, with how many subscribers use it', () => {
    const entries = Array.from({ length: 500 }, (_, i) => ({
      email: `r${i}@example.com`,
      roles: i % 2 ? ['CTO'] : ['Chef'],
    }));
    const { subscribers, problems } = parseSubscribers(JSON.stringify(entries), 'big.json', taxonomy);
    expect(subscribers).toHaveLength(500);
    expect(problems.map(formatProblem)).toEqual([
      'big.json:1: warning: [0].roles[0]: unknown role "Chef" (250 subscribers) — add it to the role taxonomy',
    ]);
    // Readers holding the same roles share one normalised array.
    expect(subscribers[1]!.roles).toBe(subscribers[3]!.roles);
  });
});

describe('forgiving subscriber entries', () => {
  it('accepts roles written as one string and status in any case, and warns about unknown fields once', () => {
    const text = JSON.stringify([
      { email: 'a@example.com', roles: 'CTO, Chief Technology Officer', status: 'Active', nickname: 'A' },
      { email: 'b@example.com', roles: 'CTO|cto', status: 'UNSUBSCRIBED', nickname: 'B' },
    ]);
    const { subscribers, problems } = parseSubscribers(text, 's.json', taxonomy);
    expect(subscribers.map((s) => [s.roles, s.status])).toEqual([
      [['CTO'], 'active'],
      [['CTO'], 'unsubscribed'],
    ]);
    expect(problems.map(formatProblem)).toEqual([
      's.json:1: warning: [0].nickname: is not a subscriber field and is ignored (2 subscribers) — use one of: email, name, firstName, roles, timezone, locale, status',
    ]);
  });
});

describe('loadSubscribers', () => {
  it('reads a .csv file by its extension, and names a missing file', async () => {
    const { loadSubscribers } = await import('../../src/load/subscribers.js');
    const project = await tempProject({ files: { 'list.csv': 'email,roles\nnot-an-email,CTO\nb@example.com,CTO\n' } });
    try {
      const loaded = await loadSubscribers(project.path('list.csv'), taxonomy);
      expect(loaded.subscribers.map((s) => s.email)).toEqual(['b@example.com']);
      expect(errorsOf(loaded.problems)).toEqual([
        expect.stringMatching(/list\.csv:2: \[0\]\.email: is not a valid email address/),
      ]);
      const missing = await loadSubscribers(project.path('nope.json'), taxonomy);
      expect(errorsOf(missing.problems)).toEqual([
        expect.stringMatching(/nope\.json: file: not found — check the --subscribers path/),
      ]);
    } finally {
      await project.cleanup();
    }
  });
});
