import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseJsonWithLines } from '../../src/load/_json-lines.js';
import { loadIssue } from '../../src/load/issue.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy, parseTaxonomy } from '../../src/roles/taxonomy.js';

/** Inputs the property-based suite (test/fuzz) found mishandled, kept as plain regression tests. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('odd keys in summaries', () => {
  it('a "__proto__" frontmatter key is reported on its own line, not as [object Object]', () => {
    const text = '---\n__proto__:\ntitle: T\nroles: CTO\n---\nBody text.';
    const { summary, problems } = parseSummary(text, 'a.md', taxonomy);
    expect(summary?.title).toBe('T');
    const warning = problems.find((p) => p.field === '__proto__');
    expect(warning?.line).toBe(2);
  });

  // The aliases of a field were looked up on a plain object: "constructor" found Object's own.
  it.each([
    ['a.md', '---\ntitle: T\nroles: CTO\nconstructor: x\ntoString: y\n---\nBody text.'],
    ['a.json', '{"title": "T", "roles": ["CTO"], "summary": "S", "constructor": 1, "toString": 2}'],
  ])('keys named like Object members in %s are warned about with the fields to use', (file, text) => {
    const { summary, problems } = parseSummary(text, file, taxonomy);
    expect(summary?.title).toBe('T');
    for (const field of ['constructor', 'toString']) {
      const warning = problems.find((p) => p.field === field);
      expect(warning?.hint).toMatch(/^use one of: title, summary/);
      expect(warning?.hint).not.toContain('function');
    }
  });
});

describe('YAML the parser warns about', () => {
  afterEach(() => vi.restoreAllMocks());

  // A process warning prints the file's raw text (control characters included) outside the problem list.
  it('an unknown tag or directive in frontmatter or roles.yaml raises no process warning', () => {
    const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    parseSummary('---\ntitle: !!js/function "f"\nroles: CTO\n---\nBody.', 'a.md', taxonomy);
    parseSummary('---\n%BAD\u001b[31m directive\n---\nBody.', 'b.md', taxonomy);
    parseTaxonomy('%BAD directive\n---\nroles:\n  - name: CTO\n    heading: !!js/function "f"\n', 'roles.yaml');
    expect(emitted).not.toHaveBeenCalled();
  });
});

describe('"__proto__" keys in JSON read with line numbers', () => {
  it("are ordinary keys, as JSON.parse reads them, not the object's prototype", () => {
    const { value } = parseJsonWithLines('{"__proto__": {"polluted": true}, "a": 1}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toStrictEqual(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
    expect((value as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("cannot supply an issue manifest's required fields through the prototype", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rolecast-proto-'));
    try {
      await writeFile(join(dir, 'a.txt'), 'Title\nSummary\nText.\nBest for: CTO\n');
      await writeFile(
        join(dir, 'issue.json'),
        JSON.stringify({ ['__proto__']: { subject: 'S', date: '2026-11-26', summaries: ['a.txt'] } }),
      );
      const { issue, problems } = await loadIssue(dir, taxonomy);
      expect(issue).toBeUndefined();
      expect(problems.map((p) => p.field)).toContain('subject');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a "__proto__" key in a JSON summary is warned about on its line', () => {
    const text = '{\n"title": "T",\n"summary": "S",\n"roles": ["CTO"],\n"__proto__": {"title": "x"}\n}';
    const { summary, problems } = parseSummary(text, 'a.json', taxonomy);
    expect(summary?.title).toBe('T');
    expect(problems.find((p) => p.field === '__proto__')?.line).toBe(5);
  });
});

describe('long numbers in JSON read with line numbers', () => {
  it('a number written with more than 64 characters is read as JSON.parse reads it', () => {
    const text = `{"sizeLimitKb": ${'1'.repeat(70)}, "b": 0.${'5'.repeat(80)}}`;
    expect(parseJsonWithLines(text).value).toStrictEqual(JSON.parse(text));
  });
});
