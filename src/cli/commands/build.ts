import { join, resolve } from 'node:path';
import { append } from '../../append.js';
import { lockFolder } from '../../archive/folder-lock.js';
import {
  BUILT_LIST,
  fingerprint,
  isBuildFile,
  publishedList,
  readPublished,
  withdrawStale,
} from '../../archive/published.js';
import { readEnvironment } from '../../config/env.js';
import { formatProblem, hasErrors, type Problem, RolecastError } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import { loadProject, type Project } from '../../load/project.js';
import { printable } from '../../printable.js';
import type { BuildEntry, RenderedAudience } from '../../render/index.js';
import type { PersonalFields } from '../../render/types.js';
import { audienceWarnings } from '../../send/plan.js';
import { suppressionsOf } from '../../state/read-at.js';
import { writeWhole } from '../../write-whole.js';
import { CONFIG_OPTION, type Command, type CommandContext, print } from '../_command.js';
import { requirePositional, stringOption } from '../_shared.js';

export const buildCommand: Command = {
  name: 'build',
  summary: 'Render every audience variant to HTML and text files, with an index and a manifest',
  usage: 'rolecast build ISSUE_DIR --out DIR [--subscribers FILE] [--state FILE] [--config FILE]',
  options: { ...CONFIG_OPTION, out: { type: 'string' }, subscribers: { type: 'string' }, state: { type: 'string' } },
  async run(args, ctx) {
    // Loaded on use: rendering brings MJML, which other commands must not wait for.
    const { renderAudience, sampleFields } = await import('../../render/index.js');
    const issueDir = requirePositional(args, 0, 'ISSUE_DIR', this.usage);
    const out = resolve(ctx.cwd, requireOut(stringOption(args, 'out'), this.usage));
    const project = await loadProject({
      issueDir,
      subscribersFile: stringOption(args, 'subscribers'),
      configFile: stringOption(args, 'config'),
      cwd: ctx.cwd,
      stateFile: stringOption(args, 'state'),
      env: ctx.env,
    });
    // Load warnings (unknown roles and the like) change who gets what: shown first, on stderr.
    for (const problem of project.problems) print(ctx.stderr, formatProblem(problem));
    // Recipient counts skip suppressed addresses as a send would; the state file is only read.
    const isSuppressed = project.subscribers ? await suppressionsOf(project) : undefined;
    const rendered = await renderAudience(project, { isSuppressed, cacheSecret: readEnvironment(ctx.env).secret });
    const problems = [...project.problems, ...rendered.problems];
    if (rendered.plan) {
      const found = audienceWarnings(project, rendered.plan, {
        cwd: ctx.cwd,
        subscribersFile: stringOption(args, 'subscribers'),
      });
      for (const problem of found) print(ctx.stderr, formatProblem(problem));
      append(problems, found);
    }

    // Sample output: a placeholder reader, and no signing key, so nothing secret is written.
    const fields = sampleFields(project.config, project.issue.id, undefined);
    const lock = await lockFolder(out, ctx.cwd);
    try {
      return await writeBuild(out, project, rendered, fields, problems, ctx);
    } finally {
      await lock.release();
    }
  },
};

/**
 * Writes the variants, the manifest and the index, listed in `.rolecast-built.json` before they are
 * written (as the archive lists its pages), and removes the files of an earlier build into the
 * folder that this one no longer writes: a variant whose role set is gone must not keep its page.
 */
async function writeBuild(
  out: string,
  project: Project,
  rendered: RenderedAudience,
  fields: PersonalFields,
  problems: Problem[],
  ctx: CommandContext,
): Promise<number> {
  const { renderBuildIndex } = await import('../../render/index.js');
  const previous = await readPublished(out, ctx.cwd, BUILT_LIST);
  const entries: BuildEntry[] = [];
  const writes = new Map<string, string>();
  for (const compiled of rendered.compiled) {
    const { variant } = compiled;
    const message = compiled.personalise(fields);
    writes.set(join(out, `${variant.id}.html`), message.html);
    writes.set(join(out, `${variant.id}.txt`), message.text);
    const recipients = rendered.recipients?.get(variant.id);
    entries.push({
      id: variant.id,
      roles: variant.roles,
      isEditorEdition: variant.isEditorEdition,
      subject: compiled.subject,
      summaryIds: variant.summaryIds,
      htmlBytes: Buffer.byteLength(message.html),
      textBytes: Buffer.byteLength(message.text),
      encodedHtmlBytes: compiled.encodedHtmlBytes,
      ...(rendered.recipients ? { recipients: recipients ?? 0 } : {}),
    });
  }
  const manifest = {
    issue: project.issue.id,
    variants: entries,
    ...(rendered.plan
      ? {
          recipients: rendered.plan.recipients.length,
          skipped: countBy(rendered.plan.skipped.map((s) => s.reason)),
        }
      : {}),
  };
  writes.set(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const title = `${project.issue.manifest.title ?? project.config.brand.name} · ${project.issue.id}`;
  writes.set(join(out, 'index.html'), renderBuildIndex(title, entries));
  // Listed, with what each will hold, before any is written (as the archive lists its pages).
  const digests = new Map([...writes].map(([file, content]) => [file, fingerprint(content)]));
  await writeWhole(join(out, BUILT_LIST), publishedList(out, digests, previous));
  for (const [file, content] of writes) await writeWhole(file, content);
  const { removed, left } = await withdrawStale(out, previous, [...writes.keys()], isBuildFile);
  await writeWhole(join(out, BUILT_LIST), publishedList(out, digests));
  for (const file of removed)
    print(ctx.stdout, `  removed ${printable(displayPath(join(out, file), ctx.cwd))}: no longer written by this build`);
  for (const file of left)
    print(
      ctx.stdout,
      `  left ${printable(displayPath(join(out, file), ctx.cwd))} in place: no longer written by this build, but it is not what a build wrote there (changed since, or listed without a fingerprint); delete it if it should go`,
    );

  for (const problem of rendered.problems) print(ctx.stdout, formatProblem(problem));
  for (const entry of entries) {
    const who = entry.isEditorEdition ? 'editor edition' : printable(entry.roles.join(', '));
    const count = entry.recipients === undefined ? '' : `, ${entry.recipients} recipient(s)`;
    print(ctx.stdout, `  ${entry.id}.html  ${(entry.encodedHtmlBytes / 1024).toFixed(1)} KB encoded — ${who}${count}`);
  }
  if (hasErrors(problems)) {
    print(ctx.stderr, `✗ ${problems.filter((p) => p.severity === 'error').length} error(s); files written to ${out}`);
    return 2;
  }
  print(ctx.stdout, `✓ ${entries.length} variant(s) written to ${out}`);
  return 0;
}

function requireOut(value: string | undefined, usage: string): string {
  if (value === undefined) throw new RolecastError('E_USAGE', 'missing --out DIR', { hint: `usage: ${usage}` });
  return value;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
