import { escapeHtml } from './escape.js';

/**
 * The one HTML document shell the archive and the reader pages share: charset, viewport, title and
 * an inline style sheet. Each page brings its own extra head lines, styles and body.
 */
export interface HtmlPage {
  lang: string;
  /** Plain text; escaped here. */
  title: string;
  /** Head lines before the title (robots, color-scheme). */
  meta?: readonly string[];
  /** Head lines between the title and the styles (feed links). */
  links?: readonly string[];
  css: string;
  /** Everything between `<body>` and `</body>`, as written. */
  body: string;
}

export function htmlPage(page: HtmlPage): string {
  const lines = (list: readonly string[] = []) => list.map((line) => `${line}\n`).join('');
  return `<!doctype html>
<html lang="${escapeHtml(page.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${lines(page.meta)}<title>${escapeHtml(page.title)}</title>
${lines(page.links)}<style>
${page.css}
</style>
</head>
<body>${page.body}</body>
</html>
`;
}
