import { canonicalAddress } from '../../address.js';
import { formatProblem, type Problem } from '../../errors.js';
import { type Coverage, computeCoverage, MAX_VARIANTS } from '../../group/coverage.js';
import { sizeTrimReasons } from '../../load/size-trim-note.js';
import type { CompiledVariant } from '../../render/types.js';
import { formatBytes, html, pathOf, type SafeHtml } from '../_html.js';
import type { ReadySnapshot } from '../snapshot.js';
import { listHealthPanel } from './list-health.js';

export type SizeStatus = 'ok' | 'warn' | 'over';

/**
 * The clip gate measures the HTML part as encoded for sending when the renderer reports it, else
 * the whole message: the larger figure errs on the side of warning.
 */
export function sizeOf(compiled: CompiledVariant): number {
  const html = (compiled as CompiledVariant & { encodedHtmlBytes?: number }).encodedHtmlBytes;
  return typeof html === 'number' ? html : compiled.encodedBytes;
}

export function sizeStatus(bytes: number, limits: { sizeLimitKb: number; sizeWarnKb: number }): SizeStatus {
  const kb = bytes / 1024;
  if (kb > limits.sizeLimitKb) return 'over';
  if (kb > limits.sizeWarnKb) return 'warn';
  return 'ok';
}

/** Per-variant size against the clip limit, recipients, and every warning and error found. */
export function checksPanel(snapshot: ReadySnapshot, only?: string): SafeHtml {
  const { config } = snapshot.project;
  const rows = [...snapshot.compiled.values()].filter((c) => only === undefined || c.variant.id === only);
  const shown = only === undefined ? snapshot.problems : problemsFor(snapshot, only);
  // A view is the one message on screen, the page passed round or shown: readers are named on the index only.
  const problems = only === undefined ? shown : shown.filter((p) => !namesReader(snapshot, p));
  const naming = shown.length - problems.length;
  return html`<section class="checks" id="checks">
<h2>Checks</h2>
<table class="sizes">
<thead><tr><th>Variant</th><th>Recipients</th><th>HTML (encoded)</th><th>Whole message</th><th>Clip limit</th><th>Status</th></tr></thead>
<tbody>
${rows.map((c) => {
  const status = sizeStatus(sizeOf(c), config);
  const recipients = c.variant.isEditorEdition ? '—' : String(snapshot.recipientCount.get(c.variant.id) ?? 0);
  return html`<tr data-variant="${c.variant.id}" class="size-${status}">
<td><a href="${pathOf('variant', c.variant.id)}">${c.variant.id}</a></td>
<td class="num">${recipients}</td>
<td class="num">${formatBytes(sizeOf(c))}</td>
<td class="num">${formatBytes(c.encodedBytes)}</td>
<td class="num">${config.sizeLimitKb} KB (warn ${config.sizeWarnKb} KB)</td>
<td><span class="badge ${status}">${status === 'ok' ? 'ok' : status === 'warn' ? 'near the limit' : 'over: Gmail clips'}</span></td>
</tr>`;
})}
</tbody>
</table>
${only === undefined ? coveragePanel(coverageOf(snapshot), trimmedOf(snapshot)) : ''}
${only === undefined ? listHealthPanel(snapshot.listHealth) : ''}
${problemList(problems)}
${naming ? html`<p class="naming-readers">${naming} warning(s) naming readers: see the <a href="/#checks">index</a>.</p>` : ''}
</section>`;
}

const addressesCache = new WeakMap<ReadySnapshot, Set<string>>();
/**
 * What may be an address in a problem's text: the list's own addresses are looked up among these.
 * A local part may hold an apostrophe (o'brien@example.com) or follow a quote mark, so each part
 * after a quote-like character is looked up too.
 */
const ADDRESS_LIKE = /[^\s<>()[\],;:"@]+@[^\s<>()[\],;:"'@]+/g;
const QUOTE_LIKE = /['`\p{Pi}\p{Pf}\p{Ps}]/u;

function candidates(found: string): string[] {
  const at = found.lastIndexOf('@');
  const local = found.slice(0, at);
  const domain = found.slice(at).replace(/[^\p{L}\p{N}]+$/u, '');
  const starts = [0, ...[...local].flatMap((char, i) => (QUOTE_LIKE.test(char) ? [i + 1] : []))];
  return starts.map((start) => `${[...local].slice(start).join('')}${domain}`);
}

/** Whether the problem names one of the list's readers by address. */
function namesReader(snapshot: ReadySnapshot, problem: Problem): boolean {
  const text = formatProblem(problem);
  if (!text.includes('@')) return false;
  let addresses = addressesCache.get(snapshot);
  if (!addresses) {
    addresses = new Set((snapshot.project.subscribers ?? []).map((s) => canonicalAddress(s.email)));
    addressesCache.set(snapshot, addresses);
  }
  const known = addresses;
  return [...text.matchAll(ADDRESS_LIKE)].some(([found]) =>
    candidates(found).some((address) => known.has(canonicalAddress(address))),
  );
}

/** A large list's readers who get nothing are cut here; `check --json` lists them all. */
const LIST_LIMIT = 100;

/** A snapshot never changes once built, so its coverage is computed once, not on every page view. */
const coverageCache = new WeakMap<ReadySnapshot, Coverage>();

export function coverageOf(snapshot: ReadySnapshot): Coverage {
  let coverage = coverageCache.get(snapshot);
  if (!coverage) {
    const { issue, taxonomy, subscribers } = snapshot.project;
    // The readers the audience plan left out as suppressed: the table counts only whom a send mails.
    const suppressed = new Set(
      snapshot.plan?.skipped.filter((s) => s.reason === 'suppressed').map(({ subscriber }) => subscriber.email),
    );
    coverage = computeCoverage({
      summaries: issue.summaries,
      roleOrder: issue.manifest.roleOrder,
      taxonomyRoles: taxonomy.roles.map((r) => r.name),
      subscribers,
      isSuppressed: (email) => suppressed.has(email),
    });
    coverageCache.set(snapshot, coverage);
  }
  return coverage;
}

const trimmedCache = new WeakMap<ReadySnapshot, Map<string, string>>();

/** Why `new` left a role with none for size, read once per snapshot. */
function trimmedOf(snapshot: ReadySnapshot): Map<string, string> {
  let trimmed = trimmedCache.get(snapshot);
  if (!trimmed) {
    trimmed = sizeTrimReasons(snapshot.project.issue.dir, snapshot.project.taxonomy.normalise);
    trimmedCache.set(snapshot, trimmed);
  }
  return trimmed;
}

/** The same role × summary matrix `rolecast check` prints, with readers per role and per variant. */
function coveragePanel(coverage: Coverage, trimmed: ReadonlyMap<string, string> = new Map()): SafeHtml {
  const { summaries, rows, audience } = coverage;
  // One column a summary: a large issue's matrix scrolls in its own box, not the whole page.
  return html`<h3>Coverage</h3>
<div class="scroll-x"><table class="coverage">
<thead><tr><th>Role</th>${summaries.map((s, i) => html`<th class="num" title="${s.title}">${i + 1}</th>`)}<th class="num">Summaries</th>${audience ? html`<th class="num">Readers</th>` : ''}</tr></thead>
<tbody>
${rows.map(
  (row) =>
    html`<tr data-role="${row.role}"${row.summaries === 0 ? html` class="none"` : ''}><td>${row.role}</td>${row.cells.map(
      (on, i) => html`<td class="num" title="${summaries[i]?.id}">${on ? '●' : '·'}</td>`,
    )}<td class="num">${row.summaries === 0 ? html`<span class="badge warn"${trimmed.has(row.role) ? html` title="${trimmed.get(row.role)}"` : ''}>none</span>${trimmed.has(row.role) ? html` <span class="trimmed">${trimmed.get(row.role)}</span>` : ''}` : row.summaries}</td>${
      row.readers === undefined ? '' : html`<td class="num">${row.readers}</td>`
    }</tr>`,
)}
</tbody>
</table></div>
<ol class="coverage-summaries">${summaries.map((s) => html`<li><code>${s.id}</code> ${s.title}</li>`)}</ol>
${audience ? audiencePanel(audience) : ''}`;
}

function audiencePanel(audience: NonNullable<Coverage['audience']>): SafeHtml {
  return html`<p class="variants">${audience.readers} active reader(s) in ${audience.variantCount} variant(s)${
    audience.tooManyVariants ? html` <span class="badge over">more than ${MAX_VARIANTS}</span>` : ''
  }</p>
<table class="coverage-variants"><thead><tr><th>Variant</th><th class="num">Readers</th></tr></thead>
<tbody>${audience.variants.map((v) => html`<tr><td>${v.id}</td><td class="num">${v.readers}</td></tr>`)}</tbody></table>
<p class="get-nothing">${audience.getNothing.length} reader(s) get nothing</p>
${audience.getNothing.length ? html`<ul class="get-nothing">${audience.getNothing.slice(0, LIST_LIMIT).map((r) => html`<li>${r.email} (${r.roles.join(', ') || 'no roles'})</li>`)}${audience.getNothing.length > LIST_LIMIT ? html`<li>… and ${audience.getNothing.length - LIST_LIMIT} more (rolecast check --json lists all)</li>` : ''}</ul>` : ''}`;
}

function problemsFor(snapshot: ReadySnapshot, variantId: string): Problem[] {
  const own = snapshot.compiled.get(variantId)?.problems ?? [];
  // Load warnings (unknown roles and the like) concern every variant.
  const shared = snapshot.problems.filter((p) => ![...snapshot.compiled.values()].some((c) => c.problems.includes(p)));
  return [...shared, ...own];
}

function problemList(problems: readonly Problem[]): SafeHtml {
  if (problems.length === 0) return html`<p class="clean">No warnings.</p>`;
  const errors = problems.filter((p) => p.severity === 'error').length;
  return html`<p>${errors} error(s), ${problems.length - errors} warning(s)</p>
<ul class="problems">${problems.map((p) => html`<li class="${p.severity}"><code>${formatProblem(p)}</code></li>`)}</ul>`;
}
