import { html, pathOf } from '../_html.js';
import type { ReaderMessage } from '../reader.js';
import type { ReadySnapshot } from '../snapshot.js';
import { checksPanel } from './checks.js';
import { testSendForm } from './editor-panel.js';
import { layout, type PageState } from './layout.js';

/** View controls, read from the query string so a live reload keeps the editor's choices. */
export interface ViewControls {
  width: 'desktop' | 'mobile';
  scheme: 'light' | 'dark';
  tab: 'html' | 'text' | 'source';
}

export const WIDTHS = { desktop: 680, mobile: 375 } as const;

export function readControls(query: URLSearchParams): ViewControls {
  const tab = query.get('tab');
  return {
    width: query.get('width') === 'mobile' ? 'mobile' : 'desktop',
    scheme: query.get('scheme') === 'dark' ? 'dark' : 'light',
    tab: tab === 'text' || tab === 'source' ? tab : 'html',
  };
}

/** One reader's message: headers, the HTML in a sandboxed frame, the text, the raw source, the checks. */
export function viewPage(
  snapshot: ReadySnapshot,
  reader: ReaderMessage,
  eml: string,
  controls: ViewControls,
  state: PageState,
): string {
  const base = `/message${pathOf(reader.kind, reader.key)}`;
  const variantId = reader.compiled.variant.id;
  const title =
    reader.kind === 'variant'
      ? reader.compiled.variant.isEditorEdition
        ? 'Editor edition'
        : `Variant ${variantId}`
      : (reader.subscriber?.name ?? reader.key);
  const frameSrc = `${base}/html${controls.scheme === 'dark' ? '?scheme=dark' : ''}`;
  const tabButton = (tab: ViewControls['tab'], label: string) =>
    html`<button type="button" class="tab" data-tab="${tab}" aria-pressed="${controls.tab === tab}">${label}</button>`;
  const body = html`<nav class="crumbs"><a href="/">${snapshot.project.issue.id}</a> › ${title}</nav>
<section class="reader">
<h1 id="view-title">${title}</h1>
${
  reader.kind === 'subscriber'
    ? html`<p>Receives <a href="${pathOf('variant', variantId)}">${variantId}</a> · roles: ${reader.subscriber?.roles.join(', ') ?? ''}</p>`
    : html`<p>${reader.compiled.variant.isEditorEdition ? 'Every role' : `Roles: ${reader.compiled.variant.roles.join(', ')}`} · shown to the sample reader</p>`
}
<table class="headers" id="headers"><tbody>
${reader.headers.map(([name, value]) => html`<tr><th>${name}</th><td>${value}</td></tr>`)}
</tbody></table>
</section>
<section class="controls" id="controls" data-width="${controls.width}" data-scheme="${controls.scheme}" data-tab="${controls.tab}" data-frame-base="${base}/html">
<span class="group">
<button type="button" class="width" data-width="desktop" aria-pressed="${controls.width === 'desktop'}">Desktop ${WIDTHS.desktop} px</button>
<button type="button" class="width" data-width="mobile" aria-pressed="${controls.width === 'mobile'}">Mobile ${WIDTHS.mobile} px</button>
</span>
<span class="group"><button type="button" id="dark-toggle" aria-pressed="${controls.scheme === 'dark'}">Dark mode</button></span>
<span class="group">${tabButton('html', 'HTML')}${tabButton('text', 'Plain text')}${tabButton('source', 'Raw source')}</span>
<span class="group"><a class="button" id="download-eml" href="${base}/eml" download>Download .eml</a></span>
</section>
<section class="panels">
<div class="panel" data-panel="html" ${controls.tab === 'html' ? '' : html`hidden`}>
<div class="stage ${controls.scheme}"><iframe id="message-frame" class="frame ${controls.width}" title="Message HTML" src="${frameSrc}" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe></div>
</div>
<div class="panel" data-panel="text" ${controls.tab === 'text' ? '' : html`hidden`}><pre id="message-text">${reader.message.text}</pre></div>
<div class="panel" data-panel="source" ${controls.tab === 'source' ? '' : html`hidden`}><pre id="message-source">${eml}</pre></div>
</section>
${testSendForm(reader.kind, reader.key, reader.kind === 'subscriber' ? `this subscriber's message (${variantId})` : `this variant, as the sample reader`)}
${checksPanel(snapshot, variantId)}`;
  return layout({ title, state, body, page: 'view' });
}
