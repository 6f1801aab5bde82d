import { htmlPage } from '../html-page.js';
import { type Language, translator } from '../i18n/index.js';
import type { Summary } from '../model/summary.js';
import { domainOf, isMailLink } from '../render/_text.js';
import { summaryParagraphs } from '../render/cards.js';
import { escapeHtml } from '../serve/pages.js';
import { ARCHIVE_ICON, type ArchiveSite, archiveBaseCss } from './pages.js';

/**
 * One summary as its own archive page: the link a card carries when its summary has no article
 * URL, so every card in every email leads somewhere. All of the summary is shown, as in the
 * archive's editor edition.
 */
export interface SummaryPageInput {
  site: ArchiveSite;
  language: Language;
  summary: Summary;
  issueTitle: string;
  /** The issue page, relative to the summary page or absolute. */
  issueHref: string;
}

export function renderSummaryPage(input: SummaryPageInput): string {
  const { site, summary } = input;
  const t = translator(input.language);
  const e = escapeHtml;
  const list = (label: string, items: readonly string[]) =>
    items.length ? `<h2>${e(label)}</h2>\n<ul>${items.map((item) => `<li>${e(item)}</li>`).join('')}</ul>` : '';
  const domain = domainOf(summary.url);
  const source = summary.source ?? domain;
  const sourceLine = source
    ? `<p class="meta">${e(t('email.source'))}: ${
        summary.url
          ? `<a href="${e(summary.url)}">${e(source)}${domain && summary.source ? ` (${e(domain)})` : ''}</a>`
          : e(source)
      }</p>`
    : '';
  return htmlPage({
    lang: site.lang,
    title: `${summary.title} · ${site.title}`,
    meta: ['<meta name="color-scheme" content="light dark">'],
    links: [ARCHIVE_ICON],
    css: `${archiveBaseCss(site)}.meta,.back{color:#5b6472}
h2{font-size:.8rem;letter-spacing:.06em;text-transform:uppercase;margin:1.5rem 0 .3rem}
@media (prefers-color-scheme:dark){body{background:#0f172a;color:#e2e8f0}.meta,.back{color:#a3b1c6}a{color:#93c5fd}}`,
    body: `
<header><p class="back"><a href="${e(input.issueHref)}">← ${e(input.issueTitle)}</a></p><h1>${e(summary.title)}</h1>
${summary.insights ? `<p><em>${e(summary.insights)}</em></p>` : ''}${sourceLine}</header>
<main>
${summaryParagraphs(summary)
  .map((p) => `<p>${e(p)}</p>`)
  .join('\n')}
${summary.takeaway ? `<h2>${e(t('email.takeaway'))}</h2>\n<p><strong>${e(summary.takeaway)}</strong></p>` : ''}
${list(t('email.principles'), summary.principles)}
${list(t('email.practice'), summary.practice)}
<p class="meta">${e(t('email.bestFor'))}: ${e(summary.roles.join(', '))}${summary.topics.length ? `<br>${e(t('email.topics'))}: ${e(summary.topics.join(' · '))}` : ''}</p>
${summary.attribution ? `<p class="meta">${e(summary.attribution)}</p>` : ''}
${summary.url ? `<p><a href="${e(summary.url)}">${e(t(isMailLink(summary.url) ? 'email.writeEmail' : 'email.readArticle'))} →</a></p>` : ''}
</main>
`,
  });
}
