import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { displayPath } from '../../load/_display.js';
import { loadPool } from '../../pool/index.js';
import { planNewIssue, writeNewIssue } from '../../pool/new-issue.js';
import type { RoleCount } from '../../pool/select.js';
import { loadTaxonomy } from '../../roles/taxonomy.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { printProblems, stringOption } from '../_shared.js';

export const newCommand: Command = {
  name: 'new',
  summary: "Start next week's issue, prefilled from the content pool",
  usage: 'rolecast new [--week YYYY-Www] [--issues DIR (default issues)] [--config FILE]',
  options: { ...CONFIG_OPTION, week: { type: 'string' }, issues: { type: 'string' } },
  async run(args, ctx) {
    const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd });
    const issuesOption = stringOption(args, 'issues');
    const issuesDir = issuesOption
      ? resolve(ctx.cwd, issuesOption)
      : join(config.file ? dirname(config.file) : ctx.cwd, 'issues');
    const taxonomy = await loadTaxonomy(config.rolesFile);
    const pool = await loadPool(config, { issuesDir, taxonomy });
    // Broken pool files are left out of the pick; say so rather than skip them silently.
    printProblems(ctx.stderr, pool.problems);
    const plan = planNewIssue({
      pool,
      config,
      taxonomyRoles: taxonomy.roles.map((r) => r.name),
      issuesDir,
      week: stringOption(args, 'week'),
      now: new Date(),
    });
    const file = await writeNewIssue(plan);
    const { picked, coverage, uncovered } = plan.selection;
    print(
      ctx.stdout,
      `created ${displayPath(file, ctx.cwd)}: ${picked.length} summaries from ${displayPath(pool.dir, ctx.cwd)}`,
    );
    print(ctx.stdout, coverageLines(coverage, config.perRole));
    if (uncovered.length)
      print(ctx.stdout, `roles with none (no ready, unused pool summary names them): ${uncovered.join(', ')}`);
    print(ctx.stdout, `next: rolecast preview ${displayPath(plan.dir, ctx.cwd)}`);
    return 0;
  },
};

function coverageLines(coverage: readonly RoleCount[], perRole: number): string {
  const covered = coverage.filter((c) => c.count > 0);
  const width = Math.max(0, ...covered.map((c) => c.role.length));
  const rows = covered.map((c) => `  ${c.role.padEnd(width)}  ${c.count}`);
  return [
    `role coverage (${covered.length} of ${coverage.length} roles; picking up to ${perRole} per role):`,
    ...rows,
  ].join('\n');
}
