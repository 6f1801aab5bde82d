import { escapeHtml } from './_personal.js';

export interface BuildEntry {
  id: string;
  roles: string[];
  isEditorEdition: boolean;
  subject: string;
  summaryIds: string[];
  htmlBytes: number;
  textBytes: number;
  encodedHtmlBytes: number;
  recipients?: number;
}

/** The `build` output's index page: one row per variant, linking its HTML and text. */
export function renderBuildIndex(title: string, entries: readonly BuildEntry[]): string {
  const rows = entries
    .map((entry) => {
      const who = entry.isEditorEdition ? 'Editor edition (all roles)' : entry.roles.join(', ');
      const recipients = entry.recipients === undefined ? '' : `<td>${entry.recipients}</td>`;
      const file = encodeURIComponent(entry.id);
      return `<tr><td><a href="${file}.html">${escapeHtml(who)}</a> · <a href="${file}.txt">text</a></td><td>${escapeHtml(entry.subject)}</td><td>${entry.summaryIds.length}</td><td>${kb(entry.encodedHtmlBytes)}</td>${recipients}</tr>`;
    })
    .join('\n');
  const recipientsHead = entries.some((e) => e.recipients !== undefined) ? '<th>Recipients</th>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #8884}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<table><thead><tr><th>Variant</th><th>Subject</th><th>Summaries</th><th>HTML (encoded)</th>${recipientsHead}</tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
