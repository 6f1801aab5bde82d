import { formatProblem, type Problem } from '../../errors.js';
import { html, type SafeHtml } from '../_html.js';

/** What every page needs besides its content: the version it shows and, when the latest edit broke the build, why. */
export interface PageState {
  /** The latest snapshot's version; the client reloads when the server announces a newer one. */
  version: number;
  /** The preview run that rendered the page: a page from an earlier run reloads too. */
  run?: string | undefined;
  /** Problems of the latest build when it failed; the page then shows the last good render beneath them. */
  failure?: readonly Problem[] | undefined;
  /** This preview session's write token, for the editor panel and "send me a test". */
  token?: string | undefined;
}

/**
 * The shell of every preview page. Scripts and styles come from the server's own two assets, so
 * the page's CSP can forbid inline script entirely.
 */
export function layout(options: { title: string; state: PageState; body: SafeHtml; page: string }): string {
  const { state } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · rolecast preview</title>
<link rel="stylesheet" href="/__assets/preview.css">
<link rel="stylesheet" href="/__assets/editor.css">
${state.token ? html`<meta name="rolecast-token" content="${state.token}">` : ''}
<script src="/__assets/preview.js" defer></script>
<script src="/__assets/editor.js" defer></script>
</head>
<body data-version="${state.version}" data-run="${state.run ?? ''}" data-page="${options.page}">
<header class="bar"><a href="/" class="brand">rolecast preview</a><span class="live" id="live" title="Live reload connection">live</span></header>
${state.failure ? html`<div class="backdrop">${errorOverlay(state.failure, true, options.page === 'view')}</div>` : ''}
<main>
${options.body}
</main>
</body>
</html>
`.value;
}

/**
 * The problems that stop a render, one `file:line: field: message` per line. Over a view (a page
 * that may be shown or passed on) those naming an address are left out and counted, as in its
 * checks: the list's own addresses cannot be told there, since the list may be what failed to load.
 */
export function errorOverlay(problems: readonly Problem[], stale: boolean, onView = false): SafeHtml {
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.length - errors.length;
  const shown = onView ? problems.filter((p) => !namesAnAddress(p)) : problems;
  const naming = problems.length - shown.length;
  return html`<section class="overlay" id="error-overlay" role="alert">
<h1>The issue cannot be rendered</h1>
<p>${errors.length} error(s)${warnings ? `, ${warnings} warning(s)` : ''}. Fix the files below and save: this page updates by itself.${stale ? ' Underneath: the last version that rendered.' : ''}</p>
<ul class="problems">
${shown.map((p) => html`<li class="${p.severity}"><code>${formatProblem(p)}</code></li>`)}
</ul>
${naming ? html`<p class="naming-readers">${naming} problem(s) naming an address: see the <a href="/">index</a>.</p>` : ''}
</section>`;
}

/** An `@` joined to a word in what a problem says (not its file's path): it may be a reader's address. */
function namesAnAddress(problem: Problem): boolean {
  return [problem.field, problem.message, problem.hint].some((part) => part !== undefined && /\S@|@\S/.test(part));
}
