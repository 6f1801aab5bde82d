import { resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { hasErrors, RolecastError } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import { goneTwins } from '../../pool/gone-twins.js';
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
    // A renamed copy of a story an issue sent is used, as new knows it from that issue's picked.json.
    const twinOfGone = goneTwins(pool.gone);
    const copyOf = new Map<PoolEntry, SentAs>();
    for (const entry of pool.entries) {
      const twin = entry.usedIn.length === 0 ? twinOfGone(entry) : undefined;
      if (twin?.usedIn.length) copyOf.set(entry, { id: twin.id, usedIn: twin.usedIn });
    }
    if (flag(args, 'json')) {
      const entries = pool.entries.map((whole) => {
        const { summary: _summary, path, ...entry } = whole;
        const sentAs = copyOf.get(whole);
        return { ...entry, path: displayPath(path, ctx.cwd), ...(sentAs ? { sentAs } : {}) };
      });
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
    print(ctx.stdout, poolTable(shownDir, pool.entries, copyOf));
    // Said once, quietly: a read-me in the pool is no mistake, but nothing in the folder goes unmentioned.
    if (pool.skipped.length)
      print(
        ctx.stdout,
        `not summaries, so not read: ${pool.skipped.map((s) => `${displayPath(s.file, ctx.cwd)} (${s.what})`).join(', ')}`,
      );
    return hasErrors(pool.problems) ? 2 : 0;
  },
};

/** The story an issue sent that a pool entry is a renamed copy of: its name then, and the issues. */
interface SentAs {
  id: string;
  usedIn: string[];
}

function poolTable(dir: string, entries: readonly PoolEntry[], copyOf: ReadonlyMap<PoolEntry, SentAs>): string {
  const usedText = (entry: PoolEntry) => {
    const sentAs = copyOf.get(entry);
    if (sentAs) return `${sentAs.usedIn.join(', ')} (as ${sentAs.id})`;
    return entry.usedIn.length ? entry.usedIn.join(', ') : '—';
  };
  const ready = entries.filter((e) => e.status === 'ready').length;
  const unused = entries.filter((e) => e.status === 'ready' && e.usedIn.length === 0 && !copyOf.has(e)).length;
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
  if (copyOf.size)
    lines.push(
      '(as ID): a renamed copy of a story that issue sent under that name, known from its picked.json; new leaves it out',
    );
  if (entries.some((e) => e.dateFrom === 'mtime'))
    lines.push(
      '* no date in the file: its modification time stands in. Add one (JSON "date", frontmatter date:, text "Date: YYYY-MM-DD").',
    );
  return lines.join('\n');
}
