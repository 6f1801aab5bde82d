import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAllCommands } from '../../src/cli/commands/index.js';
import { REPO_ROOT } from '../helpers/project.js';

/**
 * Every `rolecast …` line in the README's code blocks names a command the CLI has and only
 * options that command takes, so an example copied from the README runs as written.
 */
async function readmeCommandLines(): Promise<{ line: number; text: string }[]> {
  const lines = (await readFile(join(REPO_ROOT, 'README.md'), 'utf8')).split('\n');
  const found: { line: number; text: string }[] = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*```/.test(lines[i]!)) {
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock) continue;
    // A line ending in a backslash goes on on the next one; a # starts a comment.
    let text = lines[i]!;
    for (let next = i + 1; text.endsWith('\\') && next < lines.length; next++)
      text = `${text.slice(0, -1)} ${lines[next]}`;
    found.push({ line: i + 1, text: text.replace(/\s#.*$/, '') });
  }
  return found;
}

describe('README command examples', () => {
  it('name only commands and options the CLI knows', async () => {
    const commands = new Map((await loadAllCommands()).map((command) => [command.name, command]));
    const unknown: string[] = [];
    let examples = 0;
    for (const { line, text } of await readmeCommandLines()) {
      for (const [, name, rest] of text.matchAll(
        /(?:^|[\s;&|(`])(?:npx (?:--no-install )?)?rolecast\s+([a-z]+)([^;&|`]*)/g,
      )) {
        examples++;
        const command = commands.get(name!);
        if (!command) {
          unknown.push(`README.md:${line}: no command "${name}"`);
          continue;
        }
        const known = new Set([...Object.keys(command.options), 'help']);
        for (const [, option] of rest!.matchAll(/(?:^|\s|\[)--([a-z][a-z0-9-]*)/g))
          if (!known.has(option!)) unknown.push(`README.md:${line}: rolecast ${name} has no --${option}`);
      }
    }
    expect(examples).toBeGreaterThan(40);
    expect(unknown).toEqual([]);
  });
});
