import { formatProblem } from '../../errors.js';
import { inspectProject } from '../../load/project.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { requirePositional, stringOption } from '../_shared.js';
import { runQualityGates } from '../quality.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Validate an issue, its summaries, the config and a subscribers file',
  usage: 'rolecast check ISSUE_DIR [--subscribers FILE] [--config FILE]',
  options: { ...CONFIG_OPTION, subscribers: { type: 'string' } },
  async run(args, ctx) {
    const issueDir = requirePositional(args, 0, 'ISSUE_DIR', this.usage);
    const { project, problems } = await inspectProject({
      issueDir,
      subscribersFile: stringOption(args, 'subscribers'),
      configFile: stringOption(args, 'config'),
      cwd: ctx.cwd,
    });
    if (project && !problems.some((p) => p.severity === 'error')) problems.push(...(await runQualityGates(project)));
    for (const problem of problems)
      print(problem.severity === 'error' ? ctx.stdout : ctx.stdout, formatProblem(problem));
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    if (errors) {
      print(ctx.stderr, `✗ ${errors} error(s), ${warnings} warning(s)`);
      return 2;
    }
    const count = project?.issue.summaries.length ?? 0;
    const subs = project?.subscribers ? `, ${project.subscribers.length} subscriber(s)` : '';
    print(ctx.stdout, `✓ ${project?.issue.id}: ${count} summaries${subs}; ${warnings} warning(s)`);
    return 0;
  },
};
