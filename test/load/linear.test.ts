import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { parseSubscribers, parseSubscribersCsv } from '../../src/load/subscribers.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy, parseTaxonomy } from '../../src/roles/taxonomy.js';
import { parseSuppressionFile } from '../../src/serve/suppression-file.js';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

/**
 * Parsing must cost time linear in the input. Each case builds a pathological input of size n and
 * 8n (about 100 KB) and compares the times: linear work grows ~8×, quadratic ~64×, and the
 * backtracking this guards against grows far faster. The bound is generous (30×, plus slack for
 * a busy machine), so only super-linear growth fails it.
 */

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: ['Chief Technology Officer'] },
  { name: 'Executive', aliases: ['CEO'] },
]);
const HEAD = 'Title\n\nSummary\nSome text.\n\nBest for: CTO\n';
const SMALL = 12_500;

type Parse = (text: string) => unknown;
const summaryAs =
  (file: string): Parse =>
  (text) =>
    parseSummary(text, file, taxonomy);
const quietly =
  (parse: Parse): Parse =>
  (text) => {
    try {
      return parse(text);
    } catch (error) {
      return error; // an invalid file is fine here: only the time matters
    }
  };

/** Lines that made a regular expression backtrack or a loop go quadratic. */
const SUMMARY_LINES: Record<string, (n: number) => string> = {
  'spaces before the attribution phrase': (n) => `x${' '.repeat(n)}y Original article published by`,
  'spaces around the attribution source': (n) => `${' '.repeat(n)}Original article published by X${' '.repeat(n)}z`,
  'a long heading-like line': (n) => `Key${' '.repeat(n)}takeaway x`,
  'a long capitalised line': (n) => `Summary${' a'.repeat(n / 2)} 1`,
  'trailing spaces inside a line': (n) => `Summary${' '.repeat(n)}x`,
  'spaces and tabs before the end': (n) => `x${' \t'.repeat(n / 2)}x`,
  'a line of dashes': (n) => '-'.repeat(n),
  'a line of stars': (n) => '*'.repeat(n),
  'a line of hashes': (n) => '#'.repeat(n),
  'a line of colons': (n) => ':'.repeat(n),
  'hashes and spaces': (n) => '# '.repeat(n / 2),
  'blank lines': (n) => '\n'.repeat(n),
  'spaces inside a label': (n) => `best${' '.repeat(n)}x`,
  'spaces after a bullet marker': (n) => `Principles\n-${' '.repeat(n)}x`,
  'a long number': (n) => `Principles\n${'1'.repeat(n)}x`,
  'spaces in a link line': (n) => `Link: x${' '.repeat(n)}y`,
  'a roles line of commas': (n) => `Best for: ${','.repeat(n)}`,
  'a roles line of many roles': (n) => `Best for: ${'a,'.repeat(n / 2)}`,
  'a repeated section': (n) => 'Principles\n- x\n'.repeat(n / 16),
  'short lines that look like headings': (n) => 'Word\nword.\n\n'.repeat(n / 12),
  'inline marks that never close': (n) => `Key insights\n${'*a _b `c ~~d <e &f; [g] \\'.repeat(n / 24)}`,
  'emphasis openers, then closers': (n) => `Key insights\n${'*a _b '.repeat(n / 12)}${'c* d_ '.repeat(n / 12)}`,
  'backtick runs of every length': (n) =>
    `Key insights\n${Array.from({ length: Math.sqrt(n) | 0 }, (_, k) => `${'`'.repeat(k + 1)}x`).join(' ')}`,
  'an address ending in parentheses': (n) => `Key insights\nhttps://x.test/${')'.repeat(n)}`,
  'references to a definition': (n) => `Key insights\n${'[a][r] [b] [c][] '.repeat(n / 17)}\n\n[r]: https://x.test`,
};

const CASES: { name: string; parse: Parse; build: (n: number) => string }[] = [
  ...Object.entries(SUMMARY_LINES).flatMap(([name, line]) => [
    { name: `txt: ${name}`, parse: summaryAs('a.txt'), build: (n: number) => HEAD + line(n) },
    { name: `md: ${name}`, parse: summaryAs('a.md'), build: (n: number) => HEAD + line(n) },
  ]),
  {
    name: 'md: frontmatter and a body with long runs of spaces',
    parse: summaryAs('a.md'),
    build: (n) =>
      `---\ntitle: T${' '.repeat(n / 4)}x\nroles: [CTO]\n---\na${' '.repeat(n / 2)}b\n${' '.repeat(n / 4)}c`,
  },
  {
    name: 'json: long strings',
    parse: summaryAs('a.json'),
    build: (n) => JSON.stringify({ title: ' '.repeat(n / 2), summary: 's', roles: ['a '.repeat(n / 4)] }),
  },
  {
    name: 'subscribers JSON: one subscriber with many roles',
    parse: (text) => parseSubscribers(text, 's.json', taxonomy),
    build: (n) => JSON.stringify([{ email: 'a@example.com', roles: 'CTO,'.repeat(n / 4) }]),
  },
  {
    name: 'subscribers JSON: many unknown roles with long names',
    parse: (text) => parseSubscribers(text, 's.json', taxonomy),
    build: (n) =>
      JSON.stringify(
        Array.from({ length: n / 400 }, (_, i) => ({ email: `r${i}@example.com`, roles: [`${'x'.repeat(300)}${i}`] })),
      ),
  },
  {
    name: 'subscribers CSV: quotes inside a cell',
    parse: (text) => parseSubscribersCsv(text, 's.csv', taxonomy),
    build: (n) => `email,name\na@example.com,x${'"'.repeat(n)}\n`,
  },
  {
    name: 'subscribers CSV: a wide header and short rows',
    parse: (text) => parseSubscribersCsv(text, 's.csv', taxonomy),
    build: (n) => `email${',x'.repeat(n / 4)}\n${'a@example.com\n'.repeat(n / 28)}`,
  },
  {
    name: 'subscribers CSV: a quoted cell of escaped quotes',
    parse: (text) => parseSubscribersCsv(text, 's.csv', taxonomy),
    build: (n) => `email,name\na@example.com,"${'""'.repeat(n / 2)}"\n`,
  },
  {
    name: 'roles.yaml: a role with many aliases and long names',
    parse: quietly((text) => parseTaxonomy(text, 'roles.yaml')),
    build: (n) =>
      `roles:\n  - name: CTO\n    aliases: [${'a b c d e f g h i, '.repeat(n / 200)}b]\n  - name: X${' '.repeat(n)}y\n`,
  },
  {
    name: 'config: a list id of many dots and a long name',
    parse: quietly((text) => parseConfig(text, '/tmp/rolecast.config.json')),
    build: (n) => JSON.stringify({ listId: `${'a.'.repeat(n / 2)}!`, sender: { name: ' '.repeat(n) } }),
  },
  {
    name: 'suppression import: CSV quotes and JSON Lines',
    parse: (text) => parseSuppressionFile(text, 'b.csv', 'import'),
    build: (n) => `email,reason\n${'"'.repeat(n / 2)}\n`,
  },
  {
    name: 'suppression import: a JSON array',
    parse: (text) => parseSuppressionFile(text, 'b.json', 'import'),
    build: (n) => JSON.stringify(Array.from({ length: n / 20 }, (_, i) => ({ email: `a${i}@example.com` }))),
  },
];

function fastest(parse: Parse, text: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    parse(text);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('every loader is linear in its input', () => {
  it.each(CASES)('$name', ({ parse, build }) => {
    parse(build(SMALL / 8)); // warm up the JIT
    const small = fastest(parse, build(SMALL));
    const large = fastest(parse, build(SMALL * 8));
    expect(large, `n: ${small.toFixed(1)} ms, 8n: ${large.toFixed(1)} ms`).toBeLessThan(30 * Math.max(small, 5) + 250);
  });
});

describe('the CLI on a 100 KB summary of pathological lines', () => {
  it('parses it promptly with a clear answer, never a stack', async () => {
    const lines = Object.values(SUMMARY_LINES).map((line) => line(5_000));
    const text = `${HEAD}${lines.join('\n')}\n`;
    const project = await tempProject({ files: { 'odd.txt': text, 'odd.md': text } });
    try {
      for (const file of ['odd.txt', 'odd.md']) {
        const result = await runCli(['parse', file], { cwd: project.dir, timeoutMs: 30_000 });
        expect(result.signal, 'killed by the timeout').toBeNull();
        expect([0, 2]).toContain(result.code);
        expect(result.stderr).not.toMatch(/\n\s+at |this is a bug/);
      }
    } finally {
      await project.cleanup();
    }
  });
});
