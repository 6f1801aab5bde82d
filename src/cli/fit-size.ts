import { inspectProject } from '../load/project.js';
import { newestFirst, type PoolEntry } from '../pool/index.js';
import { type NewIssuePlan, planText } from '../pool/new-issue.js';
import { renderProblems } from '../render/index.js';
import { isCutForSize, isOverSizeLimit } from '../render/size-problems.js';

/** What `new` gave up so the issue it writes passes its own size gate. */
export interface SizeFit {
  /** Picked entries left out again, in the order they were given up (the last picked first). */
  leftOut: PoolEntry[];
  /** The largest size the gate measured before the last summary was left out, in KB; 0 when none was. */
  measuredKb: number;
}

/**
 * Renders the issue `new` is about to write as `check` and `build` would and, while a message is
 * over the clip limit, leaves out the summary picked last (a role's third pick before any role's
 * first) from the plan. Nothing is written here: the issue is written once, complete, after this.
 * An issue that does not load or render for another reason is left as it is: `check` reports that
 * in full.
 */
export async function fitToSizeLimit(
  plan: NewIssuePlan,
  options: { configFile?: string | undefined; cwd: string; env: NodeJS.ProcessEnv },
): Promise<SizeFit> {
  const kept = [...plan.selection.pickOrder];
  const leftOut: PoolEntry[] = [];
  let measuredKb = 0;
  for (;;) {
    const { project, problems } = await inspectProject({
      issueDir: plan.dir,
      configFile: options.configFile,
      cwd: options.cwd,
      env: options.env,
      readers: false,
      manifestText: planText(plan),
    });
    if (!project || problems.some((p) => p.severity === 'error')) break;
    // A copy that would list stories by headline counts as over: `new` picks what fits in full.
    const over = (await renderProblems(project)).filter((p) => isOverSizeLimit(p) || isCutForSize(p));
    if (over.length === 0 || kept.length <= 1) break;
    measuredKb = Math.max(measuredKb, ...over.map((p) => Number(/([\d.]+) KB/.exec(p.message)?.[1] ?? 0)));
    leftOut.push(kept.pop()!);
    plan.manifest.summaries = newestFirst(kept).map((entry) => entry.ref);
  }
  return { leftOut, measuredKb };
}
