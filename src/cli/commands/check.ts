import { join } from 'node:path';
import { append } from '../../append.js';
import { type Coverage, computeCoverage } from '../../group/coverage.js';
import { displayPath } from '../../load/_display.js';
import { MANIFEST_FILE } from '../../load/issue.js';
import { inspectProject } from '../../load/project.js';
import { sizeTrimReasons } from '../../load/size-trim-note.js';
import { audienceWarnings, planRecipients } from '../../send/plan.js';
import { suppressionsOf } from '../../state/read-at.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, requirePositional, stringOption } from '../_shared.js';
import { coverageProblems, coverageTable } from '../coverage-table.js';
import { problemLines } from '../problem-lines.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Validate an issue, its summaries, the config and a subscribers file',
  usage: 'rolecast check ISSUE_DIR [--subscribers FILE] [--strict] [--json] [--config FILE]',
  options: {
    ...CONFIG_OPTION,
    subscribers: { type: 'string' },
    strict: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, ctx) {
    const issueDir = requirePositional(args, 0, 'ISSUE_DIR', this.usage);
    const subscribersFile = stringOption(args, 'subscribers');
    const strict = flag(args, 'strict');
    const { project, problems } = await inspectProject({
      issueDir,
      subscribersFile,
      configFile: stringOption(args, 'config'),
      cwd: ctx.cwd,
      env: ctx.env,
    });
    // The suppression list, read once the project loads: the table counts only whom a send mails.
    let isSuppressed: ((email: string) => boolean) | undefined;
    if (project && !problems.some((p) => p.severity === 'error')) {
      // Who would get nothing, and what nobody would get: judged as a send would, suppressions included.
      if (project.subscribers) isSuppressed = await suppressionsOf(project);
      const plan =
        project.subscribers && isSuppressed
          ? planRecipients(project, project.subscribers, { segments: [], isSuppressed })
          : undefined;
      append(problems, audienceWarnings(project, plan, { cwd: ctx.cwd, subscribersFile }));
      // Loaded on use: the quality gates render, which brings MJML.
      const { runQualityGates } = await import('../quality.js');
      append(problems, await runQualityGates(project));
    }
    const coverage = project
      ? computeCoverage({
          summaries: project.issue.summaries,
          roleOrder: project.issue.manifest.roleOrder,
          taxonomyRoles: project.taxonomy.roles.map((r) => r.name),
          subscribers: project.subscribers,
          isSuppressed,
        })
      : undefined;
    if (project && coverage)
      append(problems, coverageProblems(coverage, displayPath(join(project.issue.dir, MANIFEST_FILE))));
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    const failed = errors > 0 || (strict && warnings > 0);
    if (flag(args, 'json')) {
      const report = { ok: !failed, issue: project?.issue.id, problems, coverage };
      print(ctx.stdout, JSON.stringify(report, null, 2));
      return failed ? 2 : 0;
    }
    for (const line of problemLines(problems, '`check --json` lists all')) print(ctx.stdout, line);
    // Shown when the check fails too: it is where the editor sees what a warning is about.
    if (coverage)
      print(
        ctx.stdout,
        coverageTable(
          coverage,
          project?.issue.manifest.quietRoles,
          project ? sizeTrimReasons(project.issue.dir, project.taxonomy.normalise) : undefined,
        ),
      );
    if (failed) {
      const why = errors ? '' : ' (--strict: warnings count as errors)';
      print(ctx.stderr, `✗ ${errors} error(s), ${warnings} warning(s)${why}`);
      return 2;
    }
    const count = project?.issue.summaries.length ?? 0;
    print(
      ctx.stdout,
      `✓ ${project?.issue.id}: ${count} summaries${subscriberCounts(project?.subscribers, coverage)}; ${warnings} warning(s)`,
    );
    return 0;
  },
};

/** The list's size and, as the coverage table counts them, the readers a send mails and the rest. */
function subscriberCounts(subscribers: readonly unknown[] | undefined, coverage: Coverage | undefined): string {
  if (!subscribers) return '';
  const active = coverage?.audience?.readers ?? subscribers.length;
  return `, ${subscribers.length} subscriber(s), ${active} active, ${subscribers.length - active} suppressed or unsubscribed`;
}
