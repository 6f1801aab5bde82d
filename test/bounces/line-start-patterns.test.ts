import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/**
 * A multiline pattern opening with `^\s*` lets `\s` run on over every blank line below each line
 * start it tries, so a notice of many blank lines costs the square of their number (200,000 blank
 * lines held one bounce for minutes); `^[ \t]*` stays on its own line.
 */
describe('multiline patterns in src', () => {
  it('open their lines with [ \\t]*, never \\s*, which would run on over the blank lines below', async () => {
    const offenders: string[] = [];
    for (const entry of await readdir(SRC, { recursive: true })) {
      if (!entry.endsWith('.ts')) continue;
      const text = await readFile(join(SRC, entry), 'utf8');
      for (const match of text.matchAll(/\/\^\\s\*(?:\\.|[^/\n])*\/([a-z]*)/g)) {
        if (match[1]!.includes('m')) offenders.push(`${entry}: ${match[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
