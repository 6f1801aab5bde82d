import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { createCsvReader, parseCsv } from '../../src/load/_csv.js';
import { NotStreamable, streamJsonList } from '../../src/load/_json-stream.js';
import {
  loadSubscribers,
  parseSubscribers,
  parseSubscribersCsv,
  readSubscriberCsvStream,
  readSubscriberStream,
  type SubscribersLoadResult,
} from '../../src/load/subscribers.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { tempProject } from '../helpers/project.js';

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: ['Chief Technology Officer'] },
  { name: 'Data Scientist', aliases: [] },
]);

/** The bytes of `text`, cut at the given byte offsets (anywhere: inside strings, escapes, characters). */
async function* cut(text: string, at: readonly number[]): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  let from = 0;
  for (const point of [...new Set(at)].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b)) {
    yield bytes.subarray(from, point);
    from = point;
  }
  yield bytes.subarray(from);
}

/** Every cut point of a small text: each byte boundary once. */
const everyByte = (text: string) => Array.from({ length: Buffer.byteLength(text) }, (_, i) => i);

const shown = (result: SubscribersLoadResult) => ({
  subscribers: result.subscribers,
  problems: result.problems.map(formatProblem),
});

const streamed = (text: string, at: readonly number[]) =>
  readSubscriberStream(cut(text, at), 's.json', taxonomy, async () => text).then(shown);
const whole = (text: string) => shown(parseSubscribers(text, 's.json', taxonomy));
const streamedCsv = (text: string, at: readonly number[]) =>
  readSubscriberCsvStream(cut(text, at), 's.csv', taxonomy).then(shown);
const wholeCsv = (text: string) => shown(parseSubscribersCsv(text, 's.csv', taxonomy));

describe('a key written twice', () => {
  it('is an error naming its line, in a streamed list, cut anywhere, as in the whole-file reader', async () => {
    const text = `[\n  {"email": "a@example.com", "roles": ["CTO"]},\n  {"email": "b@example.com",\n   "email": "someone-else@example.com", "roles": ["CTO"]}\n]`;
    const whole = shown(parseSubscribers(text, 's.json', taxonomy));
    expect(whole.subscribers).toEqual([]);
    expect(whole.problems).toEqual([
      expect.stringMatching(/^s\.json:4: .*"email" is written twice in the same object; keep one/),
    ]);
    for (const at of [[], [10], [45], [60, 61]]) expect(await streamed(text, at)).toEqual(whole);
  });

  it('is an error in a CSV header, read whole or as a stream', async () => {
    const csv = 'email,roles,Roles\na@example.com,CTO,Data Scientist\n';
    const whole = wholeCsv(csv);
    expect(whole.subscribers).toEqual([]);
    expect(whole.problems).toEqual([
      expect.stringMatching(/^s\.csv:1: roles: the header row names the "roles" column twice/),
    ]);
    expect(await streamedCsv(csv, [7])).toEqual(whole);
  });

  it.each([
    ['email', 'email,name,E-Mail\na@example.com,Ann,b@example.com\n'],
    ['status', 'email,status,Status\na@example.com,active,unsubscribed\n'],
  ])('is an error in a CSV header naming %s twice, whose hint speaks of that column, not of roles', (column, csv) => {
    const [problem, ...more] = wholeCsv(csv).problems;
    expect(more).toEqual([]);
    expect(problem).toMatch(new RegExp(`^s\\.csv:1: ${column}: the header row names the "${column}" column twice`));
    expect(problem).toContain('keep one of the two columns');
    expect(problem).not.toContain('roles');
  });

  it('a key beside the subscribers list is warned, read whole or as a stream', async () => {
    const text = `{\n  "subscribers": [{"email": "a@example.com", "roles": ["CTO"]}],\n  "subscriber": [{"email": "b@example.com"}]\n}`;
    const read = whole(text);
    expect(read.subscribers.map((r) => r.email)).toEqual(['a@example.com']);
    expect(read.problems).toEqual([
      expect.stringMatching(
        /^s\.json:3: warning: subscriber: is not a known field and is ignored; only "subscribers" is read/,
      ),
    ]);
    expect(await streamed(text, [20])).toEqual(read);
  });

  it('is an error in a summary or any other JSON file read with lines', () => {
    const json = JSON.stringify({ title: 'T', summary: 'first', roles: ['CTO'] }).replace(
      '"roles"',
      '"summary": "second", "roles"',
    );
    const { summary, problems } = parseSummary(json, 'a.json', taxonomy);
    expect(summary).toBeUndefined();
    expect(problems.map(formatProblem).join('\n')).toMatch(/"summary" is written twice/);
  });
});

describe('a JSON list read as a stream', () => {
  it('reads the same subscribers and problems wherever the chunks are cut', async () => {
    const text =
      '\uFEFF[\n  {"email": "a@example.com", "name": "Zo\\u00eb \\"Q\\" Ünal", "roles": ["CTO"]},\n' +
      '  {"email": "b@example.com", "name": "日本 太郎", "roles": "Data Scientist|CTO", "status": "Active"},\n' +
      '  {"email": "A@Example.com", "roles": ["CTO"]},\n' +
      '  {"email": "not-an-address", "roles": ["Cto"]},\n' +
      '  {"email": "c@example.com", "roles": ["Chef"], "nick": "x"}\n]\n';
    const expected = whole(text);
    // The list has one error on line 5 and warnings naming their lines.
    expect(expected.problems).toContain(
      's.json:5: [3].email: is not a valid email address (got "not-an-address") — write it as name@example.com',
    );
    expect(expected.problems.some((p) => p.startsWith('s.json:4: warning: [2].email: duplicate'))).toBe(true);
    expect(await streamed(text, [])).toEqual(expected);
    for (const point of everyByte(text)) expect(await streamed(text, [point])).toEqual(expected);
  });

  it('streams a { "subscribers": [ … ] } file and names lines inside it', async () => {
    const text = '{\n  "$schema": "./schema.json",\n  "subscribers": [\n    {\n      "email": "x"\n    }\n  ]\n}\n';
    const expected = whole(text);
    expect(expected.problems).toEqual([
      's.json:5: subscribers[0].email: is not a valid email address (got "x") — write it as name@example.com',
    ]);
    for (const point of everyByte(text)) expect(await streamed(text, [point])).toEqual(expected);
  });

  it('streams an object with other keys before and after the list, never reading the file whole', async () => {
    const readers = Array.from({ length: 300 }, (_, i) => `    {"email": "r${i}@example.com", "roles": ["CTO"]}`);
    const text = `{\n  "note": "exported \\"weekly\\"",\n  "tags": ["subscribers", {"a": [1]}],\n  "$schema": "x",\n  "subscribers": [\n${readers.join(',\n')}\n  ],\n  "count": 300, "version": 2\n}\n`;
    const expected = whole(text);
    expect(expected.subscribers).toHaveLength(300);
    expect(expected.problems).toEqual([
      's.json:2: warning: note: is not a known field and is ignored; only "subscribers" is read — put every reader in the "subscribers" list',
      's.json:3: warning: tags: is not a known field and is ignored; only "subscribers" is read — put every reader in the "subscribers" list',
      's.json:307: warning: count: is not a known field and is ignored; only "subscribers" is read — put every reader in the "subscribers" list',
      's.json:307: warning: version: is not a known field and is ignored; only "subscribers" is read — put every reader in the "subscribers" list',
    ]);
    const streamedOnly = (at: readonly number[]) =>
      readSubscriberStream(cut(text, at), 's.json', taxonomy, () => Promise.reject(new Error('read whole'))).then(
        shown,
      );
    for (const point of [...everyByte(text.slice(0, 120)), text.length - 40, text.length - 20]) {
      expect(await streamedOnly([point])).toEqual(expected);
    }
    expect(await streamedOnly(Array.from({ length: 40 }, (_, i) => i * 311))).toEqual(expected);
  });

  it('still refuses a "subscribers" key written twice, or a "$schema" that is not a string', async () => {
    for (const text of [
      '{"note": 1, "subscribers": [{"email": "a@example.com"}],\n "subscribers": []}',
      '{"subscribers": 2, "note": 1, "subscribers": [{"email": "a@example.com"}]}',
      '{"note": 1, "subscribers": [{"email": "a@example.com"}], "note": 2}',
    ]) {
      const expected = whole(text);
      expect(expected.subscribers).toEqual([]);
      expect(expected.problems.join('\n')).toMatch(/is written twice in the same object/);
      for (const point of everyByte(text)) expect(await streamed(text, [point]), text).toEqual(expected);
    }
    const schema = '{"$schema": 5, "subscribers": [{"email": "a@example.com"}]}';
    expect(whole(schema).problems[0]).toMatch(/must be a JSON array of subscribers/);
    expect(await streamed(schema, [20])).toEqual(whole(schema));
  });

  it('takes a line of several megabytes in many small chunks', async () => {
    const name = 'é'.repeat(300_000);
    const text = `[{"email": "a@example.com", "name": "${name}"}, {"email": "b@example.com"}]`;
    const points = Array.from({ length: 200 }, (_, i) => i * 3001 + 1);
    const result = await streamed(text, points);
    expect(result).toEqual(whole(text));
    expect(result.problems[0]).toMatch(/^s\.json:1: \[0\]\.name: is too long/);
  });

  it('leaves files it cannot stream to the whole-file reader, with the same error', async () => {
    for (const text of [
      '[{"email": "a@example.com"},]',
      '[{"email": "a@example.com"}\n{"email": "b@example.com"}]',
      '[\n{"email": "a@example.com",\n "name": "line\nbreak"}]',
      `[${'['.repeat(70)}${']'.repeat(70)}]`,
      '{"subscribers": {"email": "a@example.com"}}',
      '[{"email": "a@example.com"}] trailing',
      '"just a string"',
      '',
    ]) {
      const expected = whole(text);
      for (const point of everyByte(text)) expect(await streamed(text, [point]), text).toEqual(expected);
    }
    // And the stream itself says why it stopped.
    await expect(streamJsonList(cut('[1,,2]', []), () => {})).rejects.toBeInstanceOf(NotStreamable);
  });

  it('matches the whole-file reader on generated lists, formatted and cut at random', async () => {
    const text = fc.oneof(
      fc.constantFrom('', ' ', 'a', 'CTO', 'é', '日本', '"', '\\', '\u2028', '\u0000', 'x\ny', '😀'),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    );
    const entry = fc.oneof(
      fc.record(
        {
          email: fc.oneof(
            fc.constantFrom('a@example.com', 'B@Example.com', 'b@example.com', 'bad', 'ü@exämple.de'),
            text,
          ),
          name: text,
          roles: fc.oneof(
            fc.array(fc.constantFrom('CTO', 'cto', 'Data Scientist', 'Chef', ''), { maxLength: 3 }),
            text,
          ),
          status: fc.constantFrom('active', 'Unsubscribed', 'gone'),
          other: fc.oneof(fc.integer(), text, fc.constant(null)),
        },
        { requiredKeys: [] },
      ),
      fc.oneof(fc.integer(), text, fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 8 }),
        fc.constantFrom(undefined, 0, 1, 2, '\t'),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat({ max: 600 }), { maxLength: 6 }),
        fc.dictionary(text, fc.oneof(text, fc.integer(), fc.array(text, { maxLength: 2 })), { maxKeys: 2 }),
        fc.dictionary(text, fc.oneof(text, fc.constant(null)), { maxKeys: 2 }),
        async (entries, indent, wrapped, bom, points, before, after) => {
          // Other keys before and after the list ("subscribers" among them is set back to the list).
          const root: Record<string, unknown> = { ...before, $schema: 'x', subscribers: entries, ...after };
          root.subscribers = entries;
          const body = JSON.stringify(wrapped ? root : entries, null, indent);
          const file = (bom ? '\uFEFF' : '') + body;
          expect(await streamed(file, points)).toEqual(whole(file));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a CSV list read as a stream', () => {
  it('reads quoted cells with line breaks, quotes and delimiters, cut anywhere', async () => {
    const text =
      '\uFEFFemail;name;roles\r\n' +
      'a@example.com;"Doe; ""Jo""\r\nSecond line";CTO|Data Scientist\r\n' +
      '\r\n' +
      'bad;"Ünal 日本";Chef\r\n' +
      'b@example.com;  "quoted after blanks"  ;CTO\n' +
      'c@example.com;unterminated "quote;CTO\r';
    const expected = wholeCsv(text);
    expect(expected.problems).toEqual([
      's.csv:2: [0].name: must not contain line breaks (got "Doe; \\"Jo\\"\\r\\nSecond line") — write the name on one line',
      's.csv:2: [0].name: must not contain control characters (such as escape sequences) (got "Doe; \\"Jo\\"\\r\\nSecond line") — write the name on one line',
      's.csv:5: [1].email: is not a valid email address (got "bad") — write it as name@example.com',
    ]);
    expect(expected.subscribers.map((s) => s.email)).toEqual(['b@example.com', 'c@example.com']);
    for (const point of everyByte(text)) expect(await streamedCsv(text, [point])).toEqual(expected);
  });

  it('refuses a header without an email column, from the first chunk', async () => {
    const text = 'name,roles\nAda,CTO\n';
    expect(await streamedCsv(text, [3])).toEqual(wholeCsv(text));
    expect((await streamedCsv(text, [3])).problems).toEqual([
      's.csv:1: email: the header row has no "email" column — start the file with a header such as: email,name,roles,timezone',
    ]);
  });

  it('gives the rows parseCsv gives, for generated text split at random', () => {
    const cell = fc.oneof(
      fc.constantFrom('', ' ', '"', '""', '"a""b"', ' "x" ', 'a,b', 'a;b', '\t', '\r', '\n', '\r\n', 'é', '日本'),
      fc.string({ maxLength: 5 }),
    );
    fc.assert(
      fc.property(
        fc.array(cell, { maxLength: 30 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 8 }),
        (cells, points) => {
          const text = cells.join('');
          const rows: { cells: string[]; line: number; joined: boolean }[] = [];
          const reader = createCsvReader((cells, line, joined) => rows.push({ cells, line, joined }));
          let from = 0;
          for (const point of [...points, text.length].filter((p) => p <= text.length).sort((a, b) => a - b)) {
            if (point < from) continue;
            reader.push(text.slice(from, point));
            from = point;
          }
          reader.end();
          expect(rows).toEqual(parseCsv(text));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('matches the whole-file reader on generated lists cut at random bytes', async () => {
    const value = fc.oneof(
      fc.constantFrom('a@example.com', 'B@example.com', 'bad', 'CTO', 'CTO|Chef', 'Ünal', '"q, ""x"""', '"a\nb"'),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(value, value, value), { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat({ max: 300 }), { maxLength: 6 }),
        async (rows, newline, points) => {
          const text = ['email,name,roles', ...rows.map((row) => row.join(','))].join(newline);
          expect(await streamedCsv(text, points)).toEqual(wholeCsv(text));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('loadSubscribers on files', () => {
  it('reads a list of several chunks the same as the whole-file reader', async () => {
    const entries = Array.from({ length: 15_000 }, (_, i) => ({
      email: i === 14_999 ? 'reader0@example.com' : `reader${i}@example.com`,
      name: `Reader ${i} — ü ${'x'.repeat(60)}`,
      roles: i % 2 ? ['CTO'] : ['Data Scientist', 'CTO'],
    }));
    const text = JSON.stringify(entries, null, 1);
    const project = await tempProject({ files: { 'big.json': text } });
    try {
      const loaded = shown(await loadSubscribers(project.path('big.json'), taxonomy));
      const expected = shown(parseSubscribers(text, loaded.problems[0]?.split(':')[0] ?? '', taxonomy));
      expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
      expect(loaded.subscribers).toHaveLength(14_999);
      expect(loaded).toEqual(expected);
      expect(loaded.problems).toEqual([
        expect.stringMatching(/big\.json:\d+: warning: \[14999\]\.email: duplicate of entry \[0\]/),
      ]);
    } finally {
      await project.cleanup();
    }
  });
});

describe('a list saved as UTF-16 with its byte order mark', () => {
  const csv = 'Email\tName\tRoles\nana@example.com\tAñá Ölz\tCTO\nli@example.com\t李 雷\tData Scientist\n';
  const encode = (text: string, order: 'le' | 'be') => {
    const le = Buffer.from(`\ufeff${text}`, 'utf16le');
    return order === 'le' ? le : Buffer.from(le).swap16();
  };
  async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  const expected = shown(parseSubscribersCsv(csv, 's.csv', taxonomy));

  it('reads a tab-separated export (Excel "Unicode Text") as its UTF-8 twin, in either byte order, cut anywhere', async () => {
    expect(expected.subscribers.map((s) => s.name)).toEqual(['Añá Ölz', '李 雷']);
    for (const order of ['le', 'be'] as const)
      for (const size of [1, 3, 7, 64]) {
        const got = shown(await readSubscriberCsvStream(pieces(encode(csv, order), size), 's.csv', taxonomy));
        expect(got).toEqual(expected);
      }
  });

  it('is read from a file, CSV or JSON, whatever its extension', async () => {
    const json = JSON.stringify([{ email: 'ana@example.com', name: 'Añá', roles: ['CTO'] }]);
    const project = await tempProject({ files: {} });
    try {
      await project.write('list.txt', encode(csv, 'le'));
      await project.write('list.json', encode(json, 'be'));
      expect(shown(await loadSubscribers(project.path('list.txt'), taxonomy)).subscribers).toEqual(
        expected.subscribers,
      );
      const fromJson = await loadSubscribers(project.path('list.json'), taxonomy);
      expect(fromJson.problems).toEqual([]);
      expect(fromJson.subscribers.map((s) => [s.email, s.name])).toEqual([['ana@example.com', 'Añá']]);
    } finally {
      await project.cleanup();
    }
  });
});
