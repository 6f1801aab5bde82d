import { resolve } from 'node:path';
import { effectiveRoleOrder } from '../../group/index.js';
import { isPoolRef, poolIdIn } from '../../pool/index.js';
import { html, type SafeHtml } from '../_html.js';
import type { ReadySnapshot } from '../snapshot.js';

/**
 * The editor panel on the index: text fields, the summaries in reading order, the files that could
 * be included, and the role order. Every control is a real button or field, so the panel works from
 * the keyboard; dragging is a shortcut for the up/down buttons. The script (editor.js) posts each
 * change with the page's `issue.json` version and the session token.
 */
export function editorPanel(snapshot: ReadySnapshot): SafeHtml {
  const state = snapshot.editor;
  if (!state)
    return html`<section class="editor" id="editor-unavailable"><h2>Edit this issue</h2><p>issue.json could not be read as a JSON object; edit it in your editor.</p></section>`;
  const { manifest } = state;
  const text = (field: string) => (typeof manifest[field] === 'string' ? (manifest[field] as string) : '');
  const { issue } = snapshot.project;
  const titleOf = new Map<string, string>();
  for (const summary of issue.summaries) {
    const file = issue.files.get(summary.id);
    if (file) titleOf.set(file, summary.title);
  }
  const listed = Array.isArray(manifest.summaries) ? manifest.summaries.filter((e) => typeof e === 'string') : [];
  const roles = effectiveRoleOrder(issue.summaries, issue.manifest.roleOrder ?? []);
  return html`<section class="editor" id="editor" data-issue-version="${state.version}" aria-labelledby="editor-title">
<h2 id="editor-title">Edit this issue</h2>
<p class="hint">Each change is written to <code>issue.json</code> and the page reloads. A change made to the file elsewhere since this page loaded is never overwritten: the save is refused.</p>
<p id="edit-status" class="status" role="status" aria-live="polite"></p>
<form id="edit-text" class="edit-text">
<label>Subject <input id="edit-subject" name="subject" value="${text('subject')}" required autocomplete="off"></label>
<label>Preheader <input id="edit-preheader" name="preheader" value="${text('preheader')}" autocomplete="off"></label>
<label>Intro <textarea id="edit-intro" name="intro" rows="3">${text('intro')}</textarea></label>
<label>Editor's note <textarea id="edit-editorNote" name="editorNote" rows="3">${text('editorNote')}</textarea></label>
<p><button type="submit" id="edit-save">Save text</button></p>
</form>
<h3 id="edit-summaries-title">Summaries, in reading order</h3>
<ol class="sortable" id="edit-summaries" data-list="summaries" aria-labelledby="edit-summaries-title">
${listed.map((entry, index) => {
  // A pool entry is named by its id, which is the summary's id; a path by its file.
  const file = isPoolRef(entry) ? issue.files.get(poolIdIn(entry)) : resolve(issue.dir, entry);
  const title = (file && titleOf.get(file)) ?? entry;
  return sortableItem(
    entry,
    title,
    index,
    listed.length,
    html`<button type="button" class="exclude" aria-label="Exclude “${title}”">Exclude</button>`,
    html`<code>${entry}</code>`,
  );
})}
</ol>
<h3 id="edit-candidates-title">Not in this issue</h3>
${
  state.candidates.length === 0
    ? html`<p id="edit-no-candidates">No other summary files in the issue folder or the pool.</p>`
    : html`<ul class="candidates" id="edit-candidates" aria-labelledby="edit-candidates-title">${state.candidates.map(
        (c) =>
          html`<li data-value="${c.path}"><code>${c.path}</code>${c.title ? html` ${c.title}` : ''}${c.source === 'pool' ? html` <span class="badge">pool</span>` : ''} <button type="button" class="include" aria-label="Include ${c.path}">Include</button></li>`,
      )}</ul>`
}
${
  state.leftOut.length > 0
    ? html`<div id="edit-left-out"><p>Not offered, since ${String(state.leftOut.length)} pool file(s) do not load (<code>rolecast pool</code> lists them):</p><ul>${state.leftOut.map(
        (problem) =>
          html`<li><code>${problem.file}</code>: ${problem.message}${problem.hint ? ` — ${problem.hint}` : ''}</li>`,
      )}</ul></div>`
    : ''
}
<h3 id="edit-roles-title">Role order</h3>
<ol class="sortable" id="edit-roles" data-list="roleOrder" aria-labelledby="edit-roles-title">
${roles.map((role, index) => sortableItem(role, role, index, roles.length, html``, html``))}
</ol>
${testSendForm('variant', 'editor', 'the editor edition')}
</section>`;
}

function sortableItem(value: string, label: string, index: number, count: number, extra: SafeHtml, detail: SafeHtml) {
  return html`<li draggable="true" data-value="${value}"><span class="grip" aria-hidden="true">⠿</span> <span class="label"><strong>${label}</strong> ${detail}</span>
<span class="actions"><button type="button" class="move" data-move="-1" aria-label="Move “${label}” up" ${index === 0 ? html`disabled` : ''}>↑</button><button type="button" class="move" data-move="1" aria-label="Move “${label}” down" ${index === count - 1 ? html`disabled` : ''}>↓</button>${extra}</span></li>`;
}

/** "Send me a test" for the view on screen: a variant (as the sample reader) or a subscriber. */
export function testSendForm(kind: 'variant' | 'subscriber', key: string, what: string): SafeHtml {
  return html`<form class="test-send" id="test-send" data-kind="${kind}" data-key="${key}">
<h3>Send me a test</h3>
<p>Sends ${what} to your address, through <code>SMTP_URL</code> when set, else into the outbox folder.</p>
<label>Your address <input type="email" id="test-to" name="to" required autocomplete="email"></label>
<button type="submit" id="test-send-button">Send me a test</button>
<span id="test-status" class="status" role="status" aria-live="polite"></span>
</form>`;
}
