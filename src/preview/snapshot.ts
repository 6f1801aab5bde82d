import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { previousIssueReport } from '../analytics/previous.js';
import type { Report } from '../analytics/report.js';
import { type ListHealth, readListHealth } from '../bounces/health.js';
import { readEnvironment } from '../config/env.js';
import { CONFIG_FILE, loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/schema.js';
import { hasErrors, type Problem, RolecastError } from '../errors.js';
import { auditProject } from '../group/audit.js';
import { type AudiencePlan, planAudience, planSingleRoleVariants, type Variant } from '../group/index.js';
import { MANIFEST_FILE } from '../load/issue.js';
import { inspectProject, type Project, type ProjectOptions } from '../load/project.js';
import { compileAudience } from '../render/index.js';
import type { CompiledVariant } from '../render/types.js';
import { unreadableTextWarnings } from '../render/unreadable-text.js';
import { missingStateNote } from '../state/missing-note.js';
import { isRefusedState, suppressionsOf } from '../state/read-at.js';
import { type Candidate, listCandidates, poolFolder } from './candidates.js';
import { issueVersion } from './editor.js';
import type { WatchTarget } from './watch.js';

/**
 * One render of the whole project, cached until a file changes. A snapshot is either ready (every
 * variant compiled) or failed (the problems to show in the overlay); it never throws for content.
 */
export type Snapshot = ReadySnapshot | FailedSnapshot;

interface SnapshotBase {
  version: number;
  /** What to watch for the next change: derived from the config, so a new templates folder is picked up. */
  watch: WatchTarget[];
  renderMs: number;
}

export interface ReadySnapshot extends SnapshotBase {
  ok: true;
  project: Project;
  /** Undefined without a subscribers file. */
  plan: AudiencePlan | undefined;
  /** Editor edition first, then one per audience. */
  variants: Variant[];
  compiled: Map<string, CompiledVariant>;
  recipientCount: Map<string, number>;
  /** Load warnings plus every variant's quality-gate problems. */
  problems: Problem[];
  /** What the editor panel edits; undefined when `issue.json` could not be read as an object. */
  editor: EditorState | undefined;
  /** The `--state` file is not there, so no suppression list is checked: a test send says so too. */
  stateNote?: Problem | undefined;
  /** The last issue sent before this one, as `rolecast report` shows it; undefined before any send. */
  lastReport?: Report | undefined;
  /** Bounce and complaint rates of the last issues sent; undefined before the first send. */
  listHealth?: ListHealth | undefined;
}

/** `issue.json` as this render read it, and the files the panel offers to include. */
export interface EditorState {
  /** Hash of the bytes: a write from a page names it, and is refused if the file has changed since. */
  version: string;
  /** The file's own fields, as written (not normalised by the loader). */
  manifest: Record<string, unknown>;
  candidates: Candidate[];
  /** Pool files not offered because they do not load: named beside the list, not left out unseen. */
  leftOut: Problem[];
}

export interface FailedSnapshot extends SnapshotBase {
  ok: false;
  problems: Problem[];
}

export async function buildSnapshot(options: ProjectOptions, version: number): Promise<Snapshot> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const baseWatch = baseTargets(options);
  // Read before the project loads: an edit landing in between makes this version older than the
  // render, so a write from the page is refused as a conflict rather than overwriting the edit.
  const manifestBytes = await readFile(
    join(resolve(options.cwd ?? process.cwd(), options.issueDir), MANIFEST_FILE),
  ).catch(() => undefined);
  let project: Project | undefined;
  let problems: Problem[];
  try {
    ({ project, problems } = await inspectProject(options));
  } catch (error) {
    const watch = [...baseWatch, ...(await configTargets(options))];
    return { ok: false, version, watch, renderMs: elapsed(), problems: problemsOf(error) };
  }
  const watch = project
    ? [...baseWatch, ...projectTargets(project, options.cwd ?? process.cwd())]
    : [...baseWatch, ...(await configTargets(options))];
  if (!project || hasErrors(problems)) return { ok: false, version, watch, renderMs: elapsed(), problems };

  const { summaries, manifest } = project.issue;
  const roleOrder = manifest.roleOrder ?? [];
  let plan: AudiencePlan | undefined;
  let compiled: Map<string, CompiledVariant>;
  const stateNote = missingStateNote(project.state, options.stateFile);
  if (stateNote) problems = [...problems, stateNote];
  const suppressed = project.subscribers ? await readSuppressions(project) : undefined;
  if (suppressed?.problem) problems = [...problems, suppressed.problem];
  try {
    // Suppressed addresses are skipped as a send would skip them; the state file is only read.
    plan =
      project.subscribers && suppressed
        ? planAudience(summaries, roleOrder, project.subscribers, suppressed.isSuppressed)
        : undefined;
    // A preview reaches no reader: without a secret it still keeps MJML output, under a checksum.
    compiled = await compileAudience(project, plan ? plan.variants : planSingleRoleVariants(summaries, roleOrder), {
      cacheSecret: readEnvironment(options.env).secret,
      unsealedCache: true,
    });
  } catch (error) {
    return { ok: false, version, watch, renderMs: elapsed(), problems: [...problems, ...problemsOf(error)] };
  }
  const recipientCount = new Map<string, number>();
  for (const { variantId } of plan?.recipients ?? [])
    recipientCount.set(variantId, (recipientCount.get(variantId) ?? 0) + 1);
  const variants = [...compiled.values()].map((c) => c.variant);
  const editor = manifestBytes ? await editorState(manifestBytes, project, options) : undefined;
  const panels = await readPanels(project);
  return {
    ok: true,
    version,
    watch,
    renderMs: elapsed(),
    project,
    plan,
    variants,
    compiled,
    recipientCount,
    // Content that would silently drop out shows beside the render gates, as `check` prints it.
    problems: [
      ...problems,
      ...auditProject(project, plan, { subscribersFile: options.subscribersFile, cwd: options.cwd }),
      ...unreadableTextWarnings(project, options.cwd),
      ...[...compiled.values()].flatMap((c) => c.problems),
      ...panels.problems,
    ],
    editor,
    stateNote,
    lastReport: panels.lastReport,
    listHealth: panels.listHealth,
  };
}

async function editorState(bytes: Buffer, project: Project, options: ProjectOptions): Promise<EditorState | undefined> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return undefined;
  const fields = manifest as Record<string, unknown>;
  const listed = Array.isArray(fields.summaries) ? fields.summaries.filter((e) => typeof e === 'string') : [];
  const cwd = options.cwd ?? process.cwd();
  const leftOut: Problem[] = [];
  const candidates = await listCandidates(project.config, project.issue.dir, listed, cwd, leftOut);
  return { version: issueVersion(bytes), manifest: fields, candidates, leftOut };
}

/**
 * The last issue's report and the list health beside the render. A state refused as newer or denied
 * leaves the panel out with a warning saying why, once for both panels when they meet one refusal.
 */
async function readPanels(
  project: Project,
): Promise<{ lastReport?: Report | undefined; listHealth?: ListHealth | undefined; problems: Problem[] }> {
  const refused = new Map<string, { hint: string | undefined; panels: string[] }>();
  const shown = async <T>(panel: string, read: () => Promise<T | undefined>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (!isRefusedState(error)) throw error;
      const seen = refused.get(error.message) ?? { hint: error.hint, panels: [] };
      refused.set(error.message, { ...seen, panels: [...seen.panels, panel] });
      return undefined;
    }
  };
  const lastReport = await shown('report of the last issue', () =>
    previousIssueReport(
      project.config,
      project.issue.id,
      project.state,
      DateTime.fromISO(project.issue.manifest.date, { zone: project.config.timezone }).toJSDate(),
      (role) => project.taxonomy.lookup(role) ?? role,
      project.taxonomy.roles.map((role) => role.name),
    ),
  );
  const listHealth = await shown('list health', () => readListHealth(project.config, project.state));
  const problems = [...refused].map(
    ([message, { hint, panels }]): Problem => ({
      severity: 'warning',
      file: '(state)',
      message: `${message}: the ${panels.join(' and the ')} ${panels.length > 1 ? 'are' : 'is'} not shown`,
      hint,
    }),
  );
  return { lastReport, listHealth, problems };
}

/**
 * The suppression list, for the recipients shown. A state that cannot be read (a damaged file)
 * stops no preview, which needs nothing else from it: every reader is shown, with a warning
 * saying so. A send refuses that state as before.
 */
async function readSuppressions(
  project: Project,
): Promise<{ isSuppressed: (email: string) => boolean; problem?: Problem }> {
  try {
    return { isSuppressed: await suppressionsOf(project) };
  } catch (error) {
    if (!(error instanceof RolecastError)) throw error;
    const problem: Problem = {
      severity: 'warning',
      file: '(state)',
      message: `${error.message.replace(/; nothing was sent$/, '')}: readers on the suppression list are shown as receiving it`,
      hint: error.hint ?? 'see "State file recovery" in the README; send refuses this state until it is mended',
    };
    return { isSuppressed: () => false, problem };
  }
}

/** A RolecastError carries the problems to show; anything else is a bug, shown with its message. */
function problemsOf(error: unknown): Problem[] {
  if (error instanceof RolecastError) {
    if (error.problems.length) return error.problems;
    return [{ severity: 'error', file: '(project)', message: error.message, hint: error.hint }];
  }
  const message = error instanceof Error ? error.message : String(error);
  return [{ severity: 'error', file: '(preview)', message: `unexpected error — this is a bug: ${message}` }];
}

/** Watched even when nothing loads: the issue folder, the subscribers file and the config. */
function baseTargets(options: ProjectOptions): WatchTarget[] {
  const cwd = options.cwd ?? process.cwd();
  const targets: WatchTarget[] = [{ path: resolve(cwd, options.issueDir), recursive: true }];
  if (options.subscribersFile) targets.push(fileTarget(resolve(cwd, options.subscribersFile)));
  targets.push(fileTarget(resolve(cwd, options.configFile ?? CONFIG_FILE)));
  return targets;
}

function projectTargets(project: Project, cwd: string): WatchTarget[] {
  // Summaries may live outside the issue folder (paths in issue.json are relative).
  return [...targetsOfConfig(project.config, cwd), ...[...project.issue.files.values()].map(fileTarget)];
}

/** The templates, the role taxonomy, the config file and the pool the config names. */
function targetsOfConfig(config: ResolvedConfig, cwd: string): WatchTarget[] {
  const pool = poolFolder(config, cwd);
  const targets: WatchTarget[] = [{ path: config.templatesDir, recursive: true }, fileTarget(config.rolesFile)];
  if (config.file) targets.push(fileTarget(config.file));
  // The editor panel lists the pool's files: a new one should appear without a restart.
  if (pool) targets.push({ path: pool, recursive: true });
  return targets;
}

/**
 * When the project does not load (a broken roles.yaml, template or pool file), what its config
 * names is still watched, so fixing that file clears the error; nothing more when the config is
 * what is broken (its file is watched anyway).
 */
async function configTargets(options: ProjectOptions): Promise<WatchTarget[]> {
  const cwd = options.cwd ?? process.cwd();
  try {
    return targetsOfConfig(await loadConfig({ file: options.configFile, cwd, near: options.issueDir }), cwd);
  } catch {
    return [];
  }
}

/** Files are watched through their folder: editors that save by rename replace the file's inode. */
function fileTarget(file: string): WatchTarget {
  return { path: dirname(file), recursive: false, files: [file] };
}
