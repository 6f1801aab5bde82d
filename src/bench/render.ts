import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { planAudience, type Variant } from '../group/index.js';
import { loadProject, type Project } from '../load/project.js';
import type { Subscriber } from '../model/subscriber.js';
import { type CompiledVariant, createRenderer, type PersonalFields } from '../render/index.js';
import { minifyHtml } from '../render/minify.js';
import { compileMjml } from '../render/mjml.js';
import { loadTemplates, type TemplateSet } from '../render/templates.js';
import { buildView } from '../render/view.js';
import { personalLinks } from '../unsubscribe/links.js';
import type { RoleSetMode, RoleSetRow } from './_role-sets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SUBSCRIBERS = 10_000;
const NAIVE_SAMPLE = 60;
const WARM_RUNS = 5;

/**
 * Compile once per variant and fill per reader, against the naive way (an MJML compile per
 * reader), on the example issue. Prints figures; asserts nothing.
 */
export async function benchRender(): Promise<void> {
  const project = await loadProject({
    issueDir: join(ROOT, 'issues/2026-W48'),
    subscribersFile: join(ROOT, 'subscribers.example.json'),
    cwd: ROOT,
  });
  const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers ?? []);
  const variants = [plan.editor, ...plan.variants];
  const templates = await loadTemplates(project.config.templatesDir);
  print(
    `render bench — issue ${project.issue.id}: ${variants.length} variants (editor edition + ${plan.variants.length})`,
  );

  print('\nMJML compile per variant (ms): cold = first compile of that variant, warm = median of the next runs');
  const warmTimes: number[] = [];
  for (const variant of variants) {
    const source = templates.renderHtml(buildView(project.config, project.taxonomy, project.issue, variant));
    const cold = await timeMs(() => compileMjml(source, templates));
    const warm = median(await sequential(WARM_RUNS, () => timeMs(() => compileMjml(source, templates))));
    warmTimes.push(warm);
    print(`  ${variant.id.padEnd(58)} cold ${fmt(cold, 1).padStart(7)}   warm ${fmt(warm, 1).padStart(6)}`);
  }

  // MJML runs here: the output cache (which a cold command measures) would skip it.
  const renderer = await createRenderer(project, { mjmlCache: false });
  const compiled: CompiledVariant[] = [];
  const compileStart = performance.now();
  for (const variant of variants) compiled.push(await renderer.compile(variant));
  const compileAll = performance.now() - compileStart;
  print(
    `  all ${variants.length} variants through the full renderer (Handlebars, MJML, minify, gates): ${fmt(compileAll, 0)} ms`,
  );

  const readers = syntheticReaders(SUBSCRIBERS, project.subscribers ?? []);
  const secret = 'bench-secret';
  const fields: PersonalFields[] = readers.map((reader) => {
    const links = personalLinks(project.config, secret, project.issue.id, reader.email);
    return {
      ...reader,
      unsubscribeUrl: links.unsubscribeUrl,
      preferencesUrl: links.preferencesUrl,
      viewOnlineUrl: links.viewOnlineUrl,
    };
  });
  let bytes = 0;
  const fillStart = performance.now();
  fields.forEach((reader, index) => {
    const message = compiled[1 + (index % plan.variants.length)]!.personalise(reader);
    bytes += message.html.length + message.text.length;
  });
  const fillMs = performance.now() - fillStart;
  const fillUs = (fillMs * 1000) / SUBSCRIBERS;
  const linksStart = performance.now();
  for (const reader of readers) personalLinks(project.config, secret, project.issue.id, reader.email);
  const linksUs = ((performance.now() - linksStart) * 1000) / SUBSCRIBERS;
  print(`\npersonalisation: ${SUBSCRIBERS.toLocaleString('en')} subscribers in ${fmt(fillMs, 1)} ms`);
  print(
    `  ${fmt(fillUs, 2)} µs per message, ${Math.round(1e6 / fillUs).toLocaleString('en')} msgs/s (${(bytes / 1e6).toFixed(0)} MB of HTML+text)`,
  );
  print(`  signing each reader's links adds ${fmt(linksUs, 2)} µs per message`);

  const naiveMs = await naivePerSubscriber(project, templates, plan.variants, fields.slice(0, NAIVE_SAMPLE));
  const naivePerMsg = naiveMs / NAIVE_SAMPLE;
  print(`\nnaive (Handlebars + MJML + minify per subscriber): ${NAIVE_SAMPLE} subscribers in ${fmt(naiveMs, 0)} ms`);
  print(`  ${fmt(naivePerMsg, 2)} ms per message, ${fmt(1000 / naivePerMsg, 1)} msgs/s`);
  print(
    `  10,000 subscribers would take about ${fmt((naivePerMsg * SUBSCRIBERS) / 1000, 0)} s (per variant: ${fmt(compileAll / 1000, 1)} s compile + ${fmt(fillMs / 1000, 2)} s fill)`,
  );
  print(
    `\nratio: per-subscriber fill is ${Math.round((naivePerMsg * 1000) / fillUs).toLocaleString('en')}× faster than compiling per subscriber`,
  );
  const total = compileAll + fillMs;
  print(
    `  end to end for 10,000: ${fmt(total, 0)} ms vs ~${fmt(naivePerMsg * SUBSCRIBERS, 0)} ms (${fmt((naivePerMsg * SUBSCRIBERS) / total, 0)}×)`,
  );
  print(`  median warm MJML compile: ${fmt(median(warmTimes), 1)} ms`);
  await benchRoleSets();
}

const ROLE_SET_ROWS = [10, 100, 1000] as const;
/** Click tracking on: every card link signed, the role set a field of its own. */
const CLICK_ROWS = [10, 1000] as const;
/** Compiling every role set whole takes ~30 ms each: the 1,000 row would take half a minute. */
const WHOLE_ROWS = [10, 100] as const;

/**
 * Render time and peak memory as the number of distinct role sets grows: each row in its own
 * process (so peak RSS is that row's), pieces against whole compiles. Then 10,000 readers spread
 * over the role sets are personalised, the per-reader half of a send.
 */
export async function benchRoleSets(): Promise<void> {
  print('\nrole sets: compile N distinct role sets of the example issue, then personalise 10,000 readers over them');
  print(
    `  ${'role sets'.padEnd(10)} ${'mode'.padEnd(7)} ${'render ms'.padStart(10)} ${'MJML runs'.padStart(9)} ${'classes'.padStart(7)} ${'ms/set'.padStart(7)} ${'fill ms'.padStart(8)} ${'msgs/s'.padStart(8)} ${'peak RSS'.padStart(9)} ${'heap'.padStart(7)}`,
  );
  const rows: RoleSetRow[] = [];
  for (const [count, mode] of [
    ...ROLE_SET_ROWS.map((n) => [n, 'pieces'] as const),
    ...CLICK_ROWS.map((n) => [n, 'clicks'] as const),
    ...WHOLE_ROWS.map((n) => [n, 'whole'] as const),
  ]) {
    const row = await roleSetRow(count, mode);
    rows.push(row);
    const total = row.renderMs + row.personaliseMs;
    print(
      `  ${String(row.roleSets).padEnd(10)} ${mode.padEnd(7)} ${fmt(row.renderMs, 0).padStart(10)} ${String(row.mjmlRuns).padStart(9)} ${String(row.classes).padStart(7)} ${fmt(row.renderMs / row.roleSets, 2).padStart(7)} ${fmt(row.personaliseMs, 0).padStart(8)} ${fmt((10_000 / total) * 1000, 0).padStart(8)} ${`${fmt(row.peakRssMb, 0)} MB`.padStart(9)} ${`${fmt(row.heapMb, 0)} MB`.padStart(7)}`,
    );
  }
  const pieces = (n: number, mode: RoleSetMode = 'pieces') => rows.find((r) => r.roleSets === n && r.mode === mode)!;
  const speed = (r: RoleSetRow) => 10_000 / (r.renderMs + r.personaliseMs);
  print(
    `  render time, 1,000 role sets against 10: ${fmt(pieces(1000).renderMs / pieces(10).renderMs, 2)}× (target ≤ 2×); with click tracking ${fmt(pieces(1000, 'clicks').renderMs / pieces(10, 'clicks').renderMs, 2)}×`,
  );
  print(
    `  render + personalise 10,000 readers, 1,000 role sets against 10: ${fmt((speed(pieces(1000)) / speed(pieces(10))) * 100, 0)} % of the speed (target ≥ 80 %)`,
  );
}

function roleSetRow(count: number, mode: RoleSetMode): Promise<RoleSetRow> {
  const script = fileURLToPath(new URL('./_role-sets.js', import.meta.url));
  const args = ['--expose-gc', script, String(count), mode];
  return new Promise((resolveRow, reject) => {
    execFile(process.execPath, args, { maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) reject(error);
      else resolveRow(JSON.parse(stdout.trim().split('\n').at(-1)!) as RoleSetRow);
    });
  });
}

/** The naive way: every reader's values go through Handlebars and MJML. */
async function naivePerSubscriber(
  project: Project,
  templates: TemplateSet,
  variants: Variant[],
  readers: PersonalFields[],
): Promise<number> {
  const start = performance.now();
  for (const [index, reader] of readers.entries()) {
    const variant = variants[index % variants.length]!;
    const view = {
      ...buildView(project.config, project.taxonomy, project.issue, variant),
      greeting: `Hi ${reader.name ?? 'there'},`,
      unsubscribe: reader.unsubscribeUrl,
    };
    const result = await compileMjml(templates.renderHtml(view), templates);
    minifyHtml(result.html);
    templates.renderText(view);
  }
  return performance.now() - start;
}

function syntheticReaders(count: number, examples: readonly Subscriber[]): PersonalFields[] {
  const locales = ['en-GB', 'en-US', 'de-DE', 'fr-FR'];
  const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];
  return Array.from({ length: count }, (_, i) => ({
    email: `reader${i}@example.com`,
    name: examples[i % Math.max(examples.length, 1)]?.name ?? `Reader ${i}`,
    locale: locales[i % locales.length],
    timezone: zones[(i >> 2) % zones.length],
    unsubscribeUrl: '',
  }));
}

async function timeMs(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function sequential<T>(count: number, work: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await work());
  return results;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function fmt(value: number, digits: number): string {
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
