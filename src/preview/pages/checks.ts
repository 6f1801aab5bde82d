import { formatProblem, type Problem } from '../../errors.js';
import type { CompiledVariant } from '../../render/types.js';
import { formatBytes, html, pathOf, type SafeHtml } from '../_html.js';
import type { ReadySnapshot } from '../snapshot.js';

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
  const problems = only === undefined ? snapshot.problems : problemsFor(snapshot, only);
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
${problemList(problems)}
</section>`;
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
