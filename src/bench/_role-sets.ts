import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildVariant, createVariantIds, effectiveRoleOrder, type Variant } from '../group/index.js';
import { loadProject } from '../load/project.js';
import { type CompiledVariant, createRenderer, type PersonalFields } from '../render/index.js';
import { compileMjml } from '../render/mjml.js';
import { personalLinks } from '../unsubscribe/links.js';

/**
 * One row of the role-set bench, in its own process so its peak memory is its own: compile N
 * distinct role sets of the example issue, then personalise a list spread over them. Prints JSON.
 * Run as `node dist/bench/_role-sets.js N [pieces|whole|clicks]` (`clicks`: pieces, click tracking on).
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const READERS = 10_000;

export type RoleSetMode = 'pieces' | 'whole' | 'clicks';

export interface RoleSetRow {
  roleSets: number;
  mode: RoleSetMode;
  renderMs: number;
  renderCpuMs: number;
  mjmlRuns: number;
  /** Role-set classes the variants were filled from (0 when compiled whole). */
  classes: number;
  /** Section sources the section partial wrote (see section-keep.ts). */
  sectionsWritten: number;
  personaliseMs: number;
  peakRssMb: number;
  heapMb: number;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10);
  const mode = (process.argv[3] ?? 'pieces') as RoleSetMode;
  const whole = mode === 'whole';
  const loaded = await loadProject({ issueDir: join(ROOT, 'issues/2026-W48'), cwd: ROOT });
  const clicks = mode === 'clicks';
  const project = clicks
    ? { ...loaded, config: { ...loaded.config, tracking: { ...loaded.config.tracking, clicks: true } } }
    : loaded;
  const options = { pieces: !whole, clickSecret: clicks ? 'bench-click-secret-0123456789abcdef' : undefined };
  const variants = roleSets(project.issue.summaries, project.issue.manifest.roleOrder ?? [], count);
  let runs = 0;
  const counting: typeof compileMjml = (source, templates) => {
    runs++;
    return compileMjml(source, templates);
  };
  // Warm MJML and the JIT on a throwaway renderer, as every row does, so rows compare like with
  // like: without the output cache, so MJML is loaded and run here, not in the timed render.
  await (await createRenderer(project, { ...options, mjmlCache: false })).compile(variants[0]!);
  runs = 0;

  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const renderer = await createRenderer(project, { ...options, compileMjml: counting });
  const compiled: CompiledVariant[] = [];
  for (const variant of variants) compiled.push(await renderer.compile(variant));
  const renderMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const renderCpuMs = (cpu.user + cpu.system) / 1000;

  const fillStart = performance.now();
  let bytes = 0;
  for (let i = 0; i < READERS; i++) {
    const email = `reader${i}@example.com`;
    const links = personalLinks(project.config, 'bench-secret', project.issue.id, email);
    const fields: PersonalFields = {
      email,
      name: `Reader ${i}`,
      unsubscribeUrl: links.unsubscribeUrl,
      preferencesUrl: links.preferencesUrl,
      viewOnlineUrl: links.viewOnlineUrl,
    };
    const message = compiled[i % compiled.length]!.personalise(fields);
    bytes += message.html.length + message.text.length;
  }
  const personaliseMs = performance.now() - fillStart;
  if (bytes === 0) throw new Error('nothing was personalised');
  (globalThis as { gc?: () => void }).gc?.();
  const row: RoleSetRow = {
    roleSets: count,
    mode,
    renderMs,
    renderCpuMs,
    mjmlRuns: runs,
    classes: renderer.classes?.classes ?? 0,
    sectionsWritten: renderer.classes?.sectionsWritten ?? 0,
    personaliseMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapMb: process.memoryUsage().heapUsed / 1e6,
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

/** `count` distinct role sets drawn from the issue's roles, the same ones every run. */
export function roleSets(summaries: Parameters<typeof effectiveRoleOrder>[0], preferred: string[], count: number) {
  const order = effectiveRoleOrder(summaries, preferred);
  const ids = createVariantIds();
  const sets = new Map<string, Variant>();
  let seed = 1;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const possible = 2 ** order.length - 1;
  if (count > possible) throw new Error(`the issue has ${order.length} roles: at most ${possible} role sets`);
  while (sets.size < count) {
    const roles = order.filter(() => random() < 0.3);
    const key = roles.join('\u0000');
    if (roles.length && !sets.has(key)) sets.set(key, buildVariant(summaries, order, roles, ids(roles)));
  }
  return [...sets.values()];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
