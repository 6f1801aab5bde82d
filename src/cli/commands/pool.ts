import { resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { hasErrors, RolecastError } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import { loadPool, type PoolEntry } from '../../pool/index.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, stringOption } from '../_shared.js';
import { problemLines } from '../problem-lines.js';

export const poolCommand: Command = {
  name: 'pool',
  summary: 'List the content pool: date, status, roles and the issues that used each summary',
  usage: 'rolecast pool [--json] [--issues DIR (default issues)] [--config FILE]',
  options: { ...CONFIG_OPTION, json: { type: 'boolean' }, issues: { type: 'string' } },
  async run(args, ctx) {
    const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd });
    const issues = stringOption(args, 'issues');
    const pool = await loadPool(config, issues ? { issuesDir: resolve(ctx.cwd, issues) } : {});
    const shownDir = displayPath(pool.dir, ctx.cwd);
    if (!pool.exists)
      throw new RolecastError('E_NOT_FOUND', `the pool folder ${shownDir} does not exist`, {
        hint: 'create it and put summaries in it, or set "pool" in rolecast.config.json',
      });
    if (flag(args, 'json')) {
      const entries = pool.entries.map(({ summary: _summary, path, ...entry }) => ({
        ...entry,
        path: displayPath(path, ctx.cwd),
      }));
      print(
        ctx.stdout,
        JSON.stringify(
          {
            dir: shownDir,
            entries,
            problems: pool.problems,
            skipped: pool.skipped.map((s) => ({ ...s, file: displayPath(s.file, ctx.cwd) })),
          },
          null,
          2,
        ),
      );
      return hasErrors(pool.problems) ? 2 : 0;
    }
    for (const line of problemLines(pool.problems, '`rolecast pool --json` lists all')) print(ctx.stderr, line);
    print(ctx.stdout, poolTable(shownDir, pool.entries));
    // Said once, quietly: a read-me in the pool is no mistake, but nothing in the folder goes unmentioned.
    if (pool.skipped.length)
      print(
        ctx.stdout,
        `not summaries, so not read: ${pool.skipped.map((s) => `${displayPath(s.file, ctx.cwd)} (${s.what})`).join(', ')}`,
      );
    return hasErrors(pool.problems) ? 2 : 0;
  },
};

function poolTable(dir: string, entries: readonly PoolEntry[]): string {
  const ready = entries.filter((e) => e.status === 'ready').length;
  const unused = entries.filter((e) => e.status === 'ready' && e.usedIn.length === 0).length;
  const lines = [
    `${dir}: ${entries.length} summaries (${ready} ready, ${entries.length - ready} draft; ${unused} ready and unused)`,
  ];
  if (entries.length === 0) return lines.join('\n');
  const idWidth = Math.max(2, ...entries.map((e) => e.id.length));
  const usedWidth = Math.max(7, ...entries.map((e) => usedText(e).length));
  lines.push(`  ${'DATE'.padEnd(11)}  STATUS  ${'ID'.padEnd(idWidth)}  ${'USED IN'.padEnd(usedWidth)}  ROLES`);
  for (const e of entries) {
    const date = `${e.date}${e.dateFrom === 'mtime' ? '*' : ' '}`;
    lines.push(
      `  ${date.padEnd(11)}  ${e.status.padEnd(6)}  ${e.id.padEnd(idWidth)}  ${usedText(e).padEnd(usedWidth)}  ${e.roles.join(', ')}`,
    );
  }
  if (entries.some((e) => e.dateFrom === 'mtime'))
    lines.push(
      '* no date in the file: its modification time stands in. Add one (JSON "date", frontmatter date:, text "Date: YYYY-MM-DD").',
    );
  return lines.join('\n');
}

function usedText(entry: PoolEntry): string {
  return entry.usedIn.length ? entry.usedIn.join(', ') : '—';
}
