import { WIDTHS } from './pages/view-page.js';

/**
 * The preview's only script and style sheet, served from memory: the server never reads the
 * project folder to answer a request.
 */

export const PREVIEW_CSS = `
:root { color-scheme: light; font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2937; background: #f8fafc; }
body { margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 64px; }
a { color: #1d4ed8; }
.bar { display: flex; justify-content: space-between; align-items: center; padding: 8px 24px; background: #1f3a5f; color: #fff; }
.bar a { color: #fff; text-decoration: none; font-weight: 600; }
.live { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #64748b; }
.live.on { background: #15803d; }
h1, h2 { overflow-wrap: anywhere; }
/* The breadcrumb names the reader or variant in view: a long one wraps on a phone, as the heading does. */
.crumbs { overflow-wrap: anywhere; }
h1 small { font-size: 14px; color: #64748b; font-weight: 400; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; background: #fff; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #e2e8f0; }
.long-word { overflow-wrap: anywhere; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll-x { overflow-x: auto; max-width: 100%; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
.button, button { display: inline-block; padding: 6px 12px; border: 1px solid #94a3b8; border-radius: 6px; background: #fff; color: #1f2937; font: inherit; cursor: pointer; text-decoration: none; }
button[aria-pressed="true"] { background: #1f3a5f; color: #fff; border-color: #1f3a5f; }
.controls { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.controls .group { display: inline-flex; gap: 4px; }
.headers th { width: 160px; white-space: nowrap; }
.headers td { word-break: break-all; font-family: ui-monospace, monospace; font-size: 13px; }
.stage { padding: 16px; background: #e2e8f0; display: flex; justify-content: center; }
.stage.dark { background: #020617; }
.frame { border: 0; display: block; background: #fff; height: 900px; box-sizing: content-box; }
.frame.desktop { width: ${WIDTHS.desktop}px; }
.frame.mobile { width: ${WIDTHS.mobile}px; }
pre { white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid #e2e8f0; padding: 12px; font-size: 13px; max-height: 80vh; overflow: auto; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #dcfce7; color: #166534; }
.badge.warn { background: #fef3c7; color: #92400e; }
.badge.over { background: #fee2e2; color: #991b1b; }
.problems { padding-left: 20px; }
.problems li { margin: 2px 0; }
.problems li.error code { color: #b91c1c; }
.problems li.warning code { color: #92400e; }
.overlay { border: 2px solid #b91c1c; background: #fef2f2; padding: 16px 24px; border-radius: 8px; }
.overlay h1 { color: #b91c1c; margin-top: 0; }
.backdrop { position: fixed; inset: 0; z-index: 10; background: rgba(15, 23, 42, 0.55); display: flex; align-items: flex-start; justify-content: center; padding: 64px 24px; overflow: auto; }
.backdrop .overlay { max-width: 960px; box-shadow: 0 12px 32px rgba(0, 0, 0, 0.35); }
/* On a phone a wide table (sizes, coverage, subscribers) scrolls within itself rather than widening the page. */
@media (max-width: 600px) { table { display: block; overflow-x: auto; } }
[hidden] { display: none !important; }
`;

/** Live reload, the subscriber filter and the view controls. Plain ES2020, no inline handlers. */
export const PREVIEW_JS = `'use strict';
(() => {
  const version = Number(document.body.dataset.version);
  const run = document.body.dataset.run;
  const live = document.getElementById('live');
  const events = new EventSource('/__events');
  events.addEventListener('open', () => live && live.classList.add('on'));
  events.addEventListener('error', () => live && live.classList.remove('on'));
  events.addEventListener('message', (event) => {
    const next = JSON.parse(event.data);
    if (next.version === version && next.run === run) return;
    // The editor panel holds the reload while it has unsaved text, and is told instead.
    if (document.body.dataset.hold === 'true') {
      document.body.dataset.stale = 'true';
      document.dispatchEvent(new CustomEvent('rolecast:stale'));
    } else location.reload();
  });

  const filter = document.getElementById('subscriber-filter');
  if (filter) {
    const rows = Array.from(document.querySelectorAll('tr.subscriber'));
    const count = document.getElementById('filter-count');
    const apply = () => {
      const query = filter.value.trim().toLowerCase();
      let shown = 0;
      for (const row of rows) {
        const hit = !query || row.dataset.search.includes(query);
        row.hidden = !hit;
        if (hit) shown++;
      }
      count.textContent = query ? shown + ' of ' + rows.length : '';
      sessionStorage.setItem('rolecast-filter', filter.value);
    };
    filter.value = sessionStorage.getItem('rolecast-filter') || '';
    filter.addEventListener('input', apply);
    apply();
  }

  const controls = document.getElementById('controls');
  const frame = document.getElementById('message-frame');
  if (!controls || !frame) return;
  const state = { width: controls.dataset.width, scheme: controls.dataset.scheme, tab: controls.dataset.tab };
  const remember = () => {
    const url = new URL(location.href);
    url.searchParams.set('width', state.width);
    url.searchParams.set('scheme', state.scheme);
    url.searchParams.set('tab', state.tab);
    history.replaceState(null, '', url);
  };
  // The frame grows to its content so the page, not the frame, scrolls.
  const fit = () => {
    const doc = frame.contentDocument;
    if (!doc || !doc.documentElement || doc.URL === 'about:blank') return;
    frame.style.height = '0px';
    frame.style.height = doc.documentElement.scrollHeight + 'px';
    frame.dataset.loaded = 'true';
  };
  frame.addEventListener('load', fit);
  if (frame.contentDocument && frame.contentDocument.readyState === 'complete') fit();
  const press = (selector, attribute, value) => {
    for (const button of controls.querySelectorAll(selector))
      button.setAttribute('aria-pressed', String(button.dataset[attribute] === value));
  };
  for (const button of controls.querySelectorAll('button.width')) {
    button.addEventListener('click', () => {
      state.width = button.dataset.width;
      frame.classList.toggle('mobile', state.width === 'mobile');
      frame.classList.toggle('desktop', state.width !== 'mobile');
      press('button.width', 'width', state.width);
      remember();
      requestAnimationFrame(fit);
    });
  }
  document.getElementById('dark-toggle').addEventListener('click', (event) => {
    state.scheme = state.scheme === 'dark' ? 'light' : 'dark';
    event.currentTarget.setAttribute('aria-pressed', String(state.scheme === 'dark'));
    frame.parentElement.classList.toggle('dark', state.scheme === 'dark');
    frame.dataset.loaded = 'false';
    frame.src = controls.dataset.frameBase + (state.scheme === 'dark' ? '?scheme=dark' : '');
    remember();
  });
  for (const button of controls.querySelectorAll('button.tab')) {
    button.addEventListener('click', () => {
      state.tab = button.dataset.tab;
      for (const panel of document.querySelectorAll('[data-panel]')) panel.hidden = panel.dataset.panel !== state.tab;
      press('button.tab', 'tab', state.tab);
      remember();
      if (state.tab === 'html') requestAnimationFrame(fit);
    });
  }
})();
`;
