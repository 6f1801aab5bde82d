import { join, resolve } from 'node:path';
import { readEnvironment } from '../../config/env.js';
import { RolecastError } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import { printable } from '../../printable.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, printProblems, stringOption } from '../_shared.js';

export const archiveCommand: Command = {
  name: 'archive',
  summary: 'Build the static web archive: every issue, an index newest first and an Atom feed',
  usage: 'rolecast archive --out DIR [--issues DIR (default issues)] [--keep-going] [--state FILE] [--config FILE]',
  options: {
    ...CONFIG_OPTION,
    out: { type: 'string' },
    issues: { type: 'string' },
    'keep-going': { type: 'boolean' },
    state: { type: 'string' },
  },
  async run(args, ctx) {
    // Loaded on use: rendering brings MJML, which other commands must not wait for.
    const { buildArchive } = await import('../../archive/index.js');
    const out = stringOption(args, 'out');
    if (!out) throw new RolecastError('E_USAGE', 'missing --out DIR', { hint: `usage: ${this.usage}` });
    const result = await buildArchive({
      issuesDir: stringOption(args, 'issues') ?? 'issues',
      outDir: out,
      configFile: stringOption(args, 'config'),
      cwd: ctx.cwd,
      keepGoing: flag(args, 'keep-going'),
      cacheSecret: readEnvironment(ctx.env).secret,
      stateFile: stringOption(args, 'state'),
      databaseUrl: readEnvironment(ctx.env).databaseUrl,
    });
    printProblems(ctx.stderr, result.problems);
    for (const entry of result.entries)
      print(ctx.stdout, `  ${printable(entry.date)}  ${printable(entry.id)}  ${printable(entry.title)}`);
    print(
      ctx.stdout,
      `✓ archive of ${result.entries.length} issue(s) written to ${displayPath(resolve(ctx.cwd, out), ctx.cwd)} (index.html, feed.xml)`,
    );
    // Said, not done silently: a page that was public at this address no longer is.
    for (const file of result.withdrawn)
      print(
        ctx.stdout,
        `  removed ${printable(join(displayPath(resolve(ctx.cwd, out), ctx.cwd), file))}: no longer published`,
      );
    for (const file of result.left)
      print(
        ctx.stdout,
        `  left ${printable(join(displayPath(resolve(ctx.cwd, out), ctx.cwd), file))} in place: no longer published, but it is not what a build wrote there (changed since, or listed without a fingerprint); delete it if it should go`,
      );
    for (const { dir } of result.skipped.filter((s) => s.reason === 'future'))
      print(ctx.stdout, `  ${displayPath(dir, ctx.cwd)} is dated after today: left out until its date`);
    for (const { dir } of result.skipped.filter((s) => s.reason === 'unsent'))
      print(
        ctx.stdout,
        result.stateMissing
          ? `  ${displayPath(dir, ctx.cwd)} is dated today, and there is no state at ${printable(result.stateMissing)} to say its send has started: left out until tomorrow (build with --state FILE or DATABASE_URL where its sends are recorded to publish it once it is sent)`
          : `  ${displayPath(dir, ctx.cwd)} is dated today and its send has not started: left out until it has (build where its sends are recorded, or with --state)`,
      );
    const broken = result.skipped.filter((s) => s.reason === 'broken');
    for (const { dir } of broken)
      print(ctx.stderr, `✗ ${displayPath(dir, ctx.cwd)} left out of the archive: fix the problems listed above`);
    return 0;
  },
};
