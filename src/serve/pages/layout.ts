import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../../config/schema.js';
import { escapeHtml } from '../../escape.js';
import { htmlPage } from '../../html-page.js';
import type { Language, Translate } from '../../i18n/index.js';
import { mix, withContrast } from '../../render/_colour.js';

/**
 * The shell every reader page shares: server-rendered, no external resources, brand colours from
 * the config adjusted to WCAG AA contrast, one optional inline script allowed by its hash.
 */

export interface PageContext {
  brand: ResolvedConfig['brand'];
  language: Language;
  t: Translate;
}

/** Fills the time zone from the browser when scripts run; the page works the same without it. */
export const TIMEZONE_SCRIPT =
  "(function(){var s=document.querySelector('select[data-autozone]');if(!s)return;try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;if(!z)return;for(var i=0;i<s.options.length;i++)if(s.options[i].value===z){s.value=z;return}s.add(new Option(z,z,true,true),0)}catch(e){}})();";

const SCRIPT_HASH = `'sha256-${createHash('sha256').update(TIMEZONE_SCRIPT).digest('base64')}'`;

/** The unsubscribe page's policy, plus the one script above by hash. */
export const READER_PAGE_CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src ${SCRIPT_HASH}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export function layout(ctx: PageContext, title: string, body: string, options: { script?: boolean } = {}): string {
  const { brand } = ctx;
  const page = '#ffffff';
  // The button keeps white text, so its colour is darkened until white reads on it at AA.
  const button = withContrast(brand.primaryColor, '#ffffff');
  const buttonText = '#ffffff';
  const link = withContrast(brand.primaryColor, page);
  const border = mix('#6b7280', page, 0.1);
  return htmlPage({
    lang: ctx.language,
    title: `${title} · ${brand.name}`,
    meta: ['<meta name="robots" content="noindex">'],
    css: `*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2937;background:${brand.backgroundColor};margin:0;padding:1.5rem .75rem}
main{max-width:36rem;margin:0 auto;background:${page};border-radius:8px;padding:1.5rem;overflow-wrap:anywhere}
h1{font-size:1.5rem;margin-top:0}
a{color:${link}}
label{display:block;font-weight:600;margin:.9rem 0 .25rem}
input[type=email],input[type=text],select{font:inherit;width:100%;padding:.55rem;border:1px solid ${border};border-radius:6px;background:#fff;color:#1f2937}
fieldset{border:1px solid ${border};border-radius:6px;margin:1rem 0;padding:.5rem 1rem 1rem}
legend{font-weight:700;padding:0 .25rem}
.choice{display:flex;gap:.6rem;align-items:flex-start;margin:.5rem 0}
.choice input{width:1.25rem;height:1.25rem;margin-top:.15rem;flex:none}
.choice label{margin:0;font-weight:600}
.hint{color:#4b5563;font-size:.9rem;margin:.1rem 0 0;font-weight:400}
button{font:inherit;font-weight:600;background:${button};color:${buttonText};border:0;border-radius:6px;padding:.75rem 1.4rem;cursor:pointer;margin-top:1rem;min-height:44px}
button.secondary{background:#fff;color:${link};border:2px solid ${link}}
:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.notice{background:#ecfdf5;border:1px solid #047857;color:#065f46;border-radius:6px;padding:.75rem}
.error{color:#b91c1c;font-weight:600}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}`,
    body: `<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>${options.script ? `<script>${TIMEZONE_SCRIPT}</script>` : ''}`,
  });
}

export function messagePage(ctx: PageContext, title: string, message: string): string {
  return layout(ctx, title, `<p>${escapeHtml(message)}</p>`);
}
