import { htmlPage } from '../html-page.js';
import { escapeHtml } from '../serve/pages.js';

/**
 * The archive's own pages: an index of issues (newest first) and an Atom feed. Both are built from
 * issue metadata only; no subscriber data exists at this stage.
 */

export interface ArchiveEntry {
  id: string;
  title: string;
  /** Issue date, YYYY-MM-DD. */
  date: string;
  /** The date as a human reads it, e.g. "Week 48 · 23–29 November 2026". */
  dateLine: string;
  /** Start of the issue date in the list's zone, ISO 8601 UTC: Atom's `updated`. */
  updated: string;
  summary: string;
  /** Link to the issue page, absolute when a base URL is configured. */
  href: string;
  /** Atom entry id: the absolute URL, or a `tag:` URI when there is no base URL. */
  atomId: string;
}

export interface ArchiveSite {
  title: string;
  lang: string;
  /** Absolute archive URL with a trailing slash, or undefined (links stay relative). */
  baseUrl: string | undefined;
  atomId: string;
  author: string;
  primaryColor: string;
}

/**
 * An empty icon of the page's own: without one a browser asks the host for /favicon.ico, which
 * the archive has none of, and each visit leaves a 404 in the web server's log.
 */
export const ARCHIVE_ICON = '<link rel="icon" href="data:,">';

/** The issue page is the email's own HTML: the icon goes into its head. */
export function withArchiveIcon(html: string): string {
  const end = html.indexOf('</head>');
  return end < 0 ? html : `${html.slice(0, end)}${ARCHIVE_ICON}\n${html.slice(end)}`;
}

export function renderIndexPage(site: ArchiveSite, entries: readonly ArchiveEntry[]): string {
  const items = entries
    .map(
      (entry) => `<li><article>
<h2><a href="${escapeHtml(relativeHref(entry))}">${escapeHtml(entry.title)}</a></h2>
<p class="date"><time datetime="${escapeHtml(entry.date)}">${escapeHtml(entry.dateLine)}</time></p>
<p>${escapeHtml(entry.summary)}</p>
</article></li>`,
    )
    .join('\n');
  return htmlPage({
    lang: site.lang,
    title: `${site.title} · archive`,
    meta: ['<meta name="color-scheme" content="light dark">'],
    links: [
      ARCHIVE_ICON,
      `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(site.title)}" href="feed.xml">`,
    ],
    css: `${archiveBaseCss(site)}
ol{list-style:none;padding:0}li{margin:0 0 1.8rem}h2{font-size:1.25rem;margin:0}.date{color:#6b7280;margin:.2rem 0}
@media (prefers-color-scheme:dark){body{background:#0f172a;color:#e2e8f0}.date{color:#a3b1c6}a{color:#93c5fd}}`,
    body: `
<header><h1>${escapeHtml(site.title)}</h1><p>Every past issue · <a href="feed.xml">Atom feed</a></p></header>
<main><ol>
${items}
</ol></main>
`,
  });
}

/**
 * Body text and the header rule every archive page shares. A long address or word in a summary
 * wraps inside the screen (`anywhere` where supported, `break-word` before it), as in the email.
 */
export function archiveBaseCss(site: ArchiveSite): string {
  return `body{font:17px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;overflow-wrap:break-word;overflow-wrap:anywhere}
header{border-bottom:4px solid ${escapeHtml(site.primaryColor)};margin-bottom:1.5rem}`;
}

/** The index lives in the archive root, so an issue is always `<id>/` relative to it. */
function relativeHref(entry: ArchiveEntry): string {
  return `${encodeURIComponent(entry.id)}/`;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(value: string): string {
  // Characters XML 1.0 forbids outright are dropped rather than escaped.
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** Atom (RFC 4287): feed id, title, updated, author, self link; entries with id, title, updated, link, summary. */
export function renderAtomFeed(site: ArchiveSite, entries: readonly ArchiveEntry[]): string {
  const updated = entries[0]?.updated ?? '1970-01-01T00:00:00Z';
  const links = site.baseUrl
    ? `  <link rel="self" type="application/atom+xml" href="${escapeXml(`${site.baseUrl}feed.xml`)}"/>\n  <link rel="alternate" type="text/html" href="${escapeXml(site.baseUrl)}"/>\n`
    : '  <link rel="alternate" type="text/html" href="./"/>\n';
  const body = entries
    .map(
      (entry) => `  <entry>
    <id>${escapeXml(entry.atomId)}</id>
    <title>${escapeXml(entry.title)}</title>
    <updated>${escapeXml(entry.updated)}</updated>
    <published>${escapeXml(entry.updated)}</published>
    <link rel="alternate" type="text/html" href="${escapeXml(entry.href)}"/>
    <summary>${escapeXml(entry.summary)}</summary>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeXml(site.lang)}">
  <id>${escapeXml(site.atomId)}</id>
  <title>${escapeXml(site.title)}</title>
  <updated>${escapeXml(updated)}</updated>
  <author><name>${escapeXml(site.author)}</name></author>
${links}${body}
</feed>
`;
}
