import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { type Problem, RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { shareCompiledTemplates } from './template-cache.js';

/**
 * The template set: an MJML layout, a plain-text layout and their partials. A user's templates
 * folder may override any file; whatever it lacks comes from the built-in templates.
 */

export const LAYOUT_FILE = 'digest.mjml.hbs';
export const TEXT_FILE = 'digest.txt.hbs';
const PARTIALS_DIR = 'partials';
const HTML_PARTIAL = '.mjml.hbs';
const TEXT_PARTIAL = '.txt.hbs';

/** src/render or dist/render → the package's templates folder. */
export const BUILTIN_TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../templates');

export interface TemplateFile {
  /** Absolute path of the file actually used. */
  path: string;
  source: string;
}

export interface TemplateSet {
  /** The folder partial includes (`mj-include`) may read from. */
  dirs: string[];
  layout: TemplateFile;
  text: TemplateFile;
  htmlPartials: Map<string, TemplateFile>;
  textPartials: Map<string, TemplateFile>;
  renderHtml(view: unknown, options?: { trace?: boolean }): string;
  renderText(view: unknown): string;
}

export async function loadTemplates(userDir: string | undefined): Promise<TemplateSet> {
  const dirs = [userDir, BUILTIN_TEMPLATES_DIR].filter((d): d is string => d !== undefined && existsSync(d));
  const unique = [...new Set(dirs.map((d) => resolve(d)))];
  const layout = await readFirst(unique, LAYOUT_FILE);
  const text = await readFirst(unique, TEXT_FILE);
  const htmlPartials = await readPartials(unique, HTML_PARTIAL);
  const textPartials = await readPartials(unique, TEXT_PARTIAL);

  const problems = [layout, text, ...htmlPartials.values(), ...textPartials.values()].flatMap(parseProblems);
  if (problems.length) {
    throw new RolecastError('E_TEMPLATE', `${problems.length} template(s) could not be parsed`, {
      problems,
      hint: 'fix the Handlebars syntax at the lines shown',
    });
  }

  const htmlEnv = createEnv(htmlPartials, false);
  const tracedEnv = createEnv(htmlPartials, true);
  const textEnv = createEnv(textPartials, false);
  const html = htmlEnv.compile(layout.source, HTML_OPTIONS);
  const traced = tracedEnv.compile(layout.source, HTML_OPTIONS);
  const plain = textEnv.compile(text.source, TEXT_OPTIONS);
  return {
    dirs: unique,
    layout,
    text,
    htmlPartials,
    textPartials,
    renderHtml: (view, options) => run(options?.trace ? traced : html, view, layout),
    renderText: (view) => run(plain, view, text),
  };
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];
export const HTML_OPTIONS: CompileOptions = { strict: false };
export const TEXT_OPTIONS: CompileOptions = { noEscape: true };

/** Runs a layout compiled elsewhere (see splice.ts) as the template set runs its own: errors become problems. */
export function runTemplate(template: Handlebars.TemplateDelegate, view: unknown, file: TemplateFile): string {
  return run(template, view, file);
}

/** Marks where each partial's output starts and ends, so an MJML error line can be traced back to a file. */
export const TRACE_BEGIN = '<!--rc-partial:';
export const TRACE_END = '<!--rc-end-->';

/** Replaces a partial with a function around its compiled template, or keeps it (undefined). */
export type PartialWrapper = (name: string, compiled: Handlebars.TemplateDelegate) => Handlebars.Template | undefined;

export function createEnv(
  partials: Map<string, TemplateFile>,
  trace: boolean,
  wrap?: { partial: PartialWrapper; options: CompileOptions },
): typeof Handlebars {
  const env = shareCompiledTemplates(Handlebars.create());
  env.registerHelper('join', (list: unknown) => (Array.isArray(list) ? list.join(', ') : ''));
  env.registerHelper('repeat', repeatBlock);
  for (const [name, file] of partials) {
    if (wrap) {
      // Compiled here, once: a partial registered as source is compiled again on every render.
      const compiled = env.compile(file.source, wrap.options);
      env.registerPartial(name, wrap.partial(name, compiled) ?? (compiled as unknown as Handlebars.Template));
      continue;
    }
    if (!trace) {
      env.registerPartial(name, file.source);
      continue;
    }
    const compiled = env.compile(file.source, { strict: false });
    env.registerPartial(
      name,
      ((context: unknown, options: Handlebars.RuntimeOptions) =>
        `${TRACE_BEGIN}${name}-->${compiled(context, options)}${TRACE_END}`) as unknown as Handlebars.Template,
    );
  }
  return env;
}

/** `{{#repeat 90}}…{{/repeat}}`: the block's own template text, repeated (for fixed markup such as filler). */
function repeatBlock(this: unknown, count: unknown, options: Handlebars.HelperOptions): string {
  const times = Math.min(Math.max(Math.trunc(Number(count)) || 0, 0), 1000);
  return options.fn(this).repeat(times);
}

function run(template: Handlebars.TemplateDelegate, view: unknown, file: TemplateFile): string {
  try {
    return template(view);
  } catch (cause) {
    const message = (cause as Error).message;
    throw new RolecastError('E_TEMPLATE', `template ${displayPath(file.path)} failed: ${message}`, {
      problems: [{ severity: 'error', file: displayPath(file.path), field: 'template', message }],
      hint: 'check partial names and helpers used by the template',
      cause,
    });
  }
}

function parseProblems(file: TemplateFile): Problem[] {
  try {
    Handlebars.parse(file.source);
    return [];
  } catch (error) {
    const message = (error as Error).message;
    const line = /line (\d+)/.exec(message)?.[1];
    return [
      {
        severity: 'error',
        file: displayPath(file.path),
        ...(line ? { line: Number(line) } : {}),
        field: 'template',
        message: message.split('\n').filter(Boolean).slice(-1)[0] ?? message,
      },
    ];
  }
}

async function readFirst(dirs: string[], name: string): Promise<TemplateFile> {
  for (const dir of dirs) {
    const path = join(dir, name);
    if (existsSync(path)) return { path, source: await readFile(path, 'utf8') };
  }
  throw new RolecastError(
    'E_NOT_FOUND',
    `template ${name} not found in ${dirs.map((d) => displayPath(d)).join(', ')}`,
    {
      hint: 'restore the template or point "templates" in rolecast.config.json at a folder that has it',
    },
  );
}

/** Partials by name (file name without extension); earlier folders win. */
async function readPartials(dirs: string[], extension: string): Promise<Map<string, TemplateFile>> {
  const partials = new Map<string, TemplateFile>();
  for (const dir of dirs) {
    const folder = join(dir, PARTIALS_DIR);
    if (!existsSync(folder)) continue;
    for (const entry of (await readdir(folder)).sort()) {
      if (!entry.endsWith(extension)) continue;
      const name = basename(entry, extension);
      if (partials.has(name)) continue;
      const path = join(folder, entry);
      partials.set(name, { path, source: await readFile(path, 'utf8') });
    }
  }
  return partials;
}
