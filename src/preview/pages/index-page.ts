import type { Variant } from '../../group/index.js';
import { html, pathOf, type SafeHtml, wrapLongWords } from '../_html.js';
import type { ReadySnapshot } from '../snapshot.js';
import { checksPanel } from './checks.js';
import { editorPanel } from './editor-panel.js';
import { layout, type PageState } from './layout.js';
import { reportPanel } from './report-panel.js';

/** The issue at a glance: subject, preheader, every variant and every subscriber, and the checks. */
export function indexPage(snapshot: ReadySnapshot, state: PageState): string {
  const { issue } = snapshot.project;
  const manifest = issue.manifest;
  const editor = snapshot.variants.find((v) => v.isEditorEdition);
  const editorSubject = editor ? snapshot.compiled.get(editor.id)?.subject : undefined;
  // Without a title of its own, the issue is headed as readers see it: by the brand.
  const body = html`<section class="issue">
<h1>${manifest.title ?? snapshot.project.config.brand.name} <small>${issue.id}</small></h1>
<dl class="facts">
<dt>Subject</dt><dd id="issue-subject">${editorSubject ?? manifest.subject}</dd>
<dt>Subject template</dt><dd><code>${manifest.subject}</code></dd>
<dt>Preheader</dt><dd id="issue-preheader">${manifest.preheader ?? '(none)'}</dd>
<dt>Date</dt><dd>${manifest.date}</dd>
<dt>Summaries</dt><dd>${issue.summaries.length}</dd>
<dt>Rendered</dt><dd>${snapshot.variants.length} variant(s) in ${snapshot.renderMs} ms</dd>
</dl>
${editor ? html`<p><a class="button" id="editor-link" href="${pathOf('variant', editor.id)}">Open the editor edition</a></p>` : ''}
</section>
<div class="beside-editor">${editorPanel(snapshot)}${reportPanel(snapshot.lastReport)}</div>
${variantTable(snapshot)}
${subscriberTable(snapshot)}
${checksPanel(snapshot)}`;
  return layout({ title: issue.id, state, body, page: 'index' });
}

function variantTable(snapshot: ReadySnapshot): SafeHtml {
  const titles = new Map(snapshot.project.issue.summaries.map((s) => [s.id, s.title]));
  const note = snapshot.plan ? '' : ' (no subscribers file: one variant per role)';
  return html`<section class="variants" id="variants">
<h2>Variants${note}</h2>
<table>
<thead><tr><th>Variant</th><th>Roles</th><th>Subscribers</th><th>Summaries</th></tr></thead>
<tbody>
${snapshot.variants.map(
  (variant: Variant) => html`<tr data-variant="${variant.id}">
<td><a href="${pathOf('variant', variant.id)}">${variant.isEditorEdition ? 'Editor edition' : variant.id}</a></td>
<td>${variant.isEditorEdition ? 'all roles' : variant.roles.join(', ')}</td>
<td class="num">${variant.isEditorEdition ? '—' : String(snapshot.recipientCount.get(variant.id) ?? 0)}</td>
<td><details><summary>${variant.summaryIds.length} ${variant.summaryIds.length === 1 ? 'summary' : 'summaries'}</summary><ol>${variant.summaryIds.map(
    (id) => html`<li>${titles.get(id) ?? id}</li>`,
  )}</ol></details></td>
</tr>`,
)}
</tbody>
</table>
</section>`;
}

function subscriberTable(snapshot: ReadySnapshot): SafeHtml {
  const plan = snapshot.plan;
  if (!plan)
    return html`<section class="subscribers"><h2>Subscribers</h2><p>Start the preview with <code>--subscribers FILE</code> to see each reader's message.</p></section>`;
  const rows = [
    ...plan.recipients.map((r) => ({ subscriber: r.subscriber, variantId: r.variantId, skipped: undefined })),
    ...plan.skipped.map((s) => ({ subscriber: s.subscriber, variantId: undefined, skipped: s.reason })),
  ];
  return html`<section class="subscribers" id="subscribers">
<h2>Subscribers (${plan.recipients.length} receive it, ${plan.skipped.length} skipped)</h2>
<p><label>Filter <input type="search" id="subscriber-filter" placeholder="name, address, role or variant" autocomplete="off"></label> <span id="filter-count"></span></p>
<table>
<thead><tr><th>Name</th><th>Address</th><th>Roles</th><th>Variant</th></tr></thead>
<tbody>
${rows.map(({ subscriber, variantId, skipped }) => {
  const search = [subscriber.name ?? '', subscriber.email, ...subscriber.roles, variantId ?? '', skipped ?? '']
    .join(' ')
    .toLowerCase();
  return html`<tr class="subscriber" data-search="${search}">
<td>${variantId ? html`<a href="${pathOf('subscriber', subscriber.email)}">${wrapLongWords(subscriber.name || subscriber.email)}</a>` : wrapLongWords(subscriber.name ?? '')}</td>
<td>${wrapLongWords(subscriber.email)}</td>
<td>${subscriber.roles.join(', ')}</td>
<td>${variantId ? html`<a href="${pathOf('variant', variantId)}">${variantId}</a>` : html`<span class="badge warn">not sent: ${skipped}</span>`}</td>
</tr>`;
})}
</tbody>
</table>
</section>`;
}
