import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/schema.js';
import { hasErrors, type Problem, RolecastError } from '../errors.js';
import type { Subscriber } from '../model/subscriber.js';
import { loadTaxonomy, type RoleTaxonomy } from '../roles/taxonomy.js';
import { type LoadedIssue, loadIssue } from './issue.js';
import { loadSubscribers } from './subscribers.js';
import { unlistedSummaryFiles } from './unlisted.js';

export interface Project {
  config: ResolvedConfig;
  taxonomy: RoleTaxonomy;
  issue: LoadedIssue;
  subscribers: Subscriber[] | undefined;
  /** Warnings (and, from `inspectProject`, errors) found while loading. */
  problems: Problem[];
}

export interface ProjectOptions {
  issueDir: string;
  subscribersFile?: string | undefined;
  configFile?: string | undefined;
  cwd?: string;
}

/** Loads config, taxonomy, issue and subscribers, collecting every problem instead of stopping at the first. */
export async function inspectProject(
  options: ProjectOptions,
): Promise<{ project: Project | undefined; problems: Problem[] }> {
  const cwd = options.cwd ?? process.cwd();
  let config: ResolvedConfig;
  try {
    config = await loadConfig({ file: options.configFile, cwd, near: options.issueDir });
  } catch (error) {
    if (error instanceof RolecastError && error.problems.length)
      return { project: undefined, problems: error.problems };
    throw error;
  }
  const taxonomy = await loadTaxonomy(config.rolesFile);
  const problems: Problem[] = [...(config.problems ?? []), ...(taxonomy.problems ?? [])];
  const loaded = await loadIssue(resolve(cwd, options.issueDir), taxonomy, { poolDir: config.poolDir });
  problems.push(...loaded.problems);
  let subscribers: Subscriber[] | undefined;
  if (options.subscribersFile) {
    const result = await loadSubscribers(resolve(cwd, options.subscribersFile), taxonomy);
    problems.push(...result.problems);
    subscribers = result.subscribers;
  }
  if (!loaded.issue) return { project: undefined, problems };
  const issue = loaded.issue;
  const listed = new Set(issue.manifest.summaries.map((entry) => resolve(issue.dir, entry)));
  problems.push(...(await unlistedSummaryFiles(issue.dir, listed)));
  // The issue's role order wins; the config's applies to roles the issue does not order.
  const roleOrder = [...(issue.manifest.roleOrder ?? []), ...config.roleOrder.map((r) => taxonomy.normalise(r))];
  return {
    project: {
      config,
      taxonomy,
      issue: { ...issue, manifest: { ...issue.manifest, roleOrder } },
      subscribers,
      problems,
    },
    problems,
  };
}

/** Like `inspectProject`, but throws one error listing every problem when any is an error. */
export async function loadProject(options: ProjectOptions): Promise<Project> {
  const { project, problems } = await inspectProject(options);
  if (!project || hasErrors(problems)) {
    throw new RolecastError('E_INVALID', `${problems.filter((p) => p.severity === 'error').length} problem(s) found`, {
      problems,
      hint: 'fix the problems listed above and run the command again',
    });
  }
  return project;
}
