import type { Report } from '../../analytics/report.js';
import { html, type SafeHtml } from '../_html.js';

/** Summaries listed in the panel at most; `rolecast report` has them all. */
const TOP = 5;

/**
 * The previous issue's report beside the editor panel: what each role read last time, so this
 * week's picks and order can follow it. The same numbers `rolecast report` prints.
 */
export function reportPanel(report: Report | undefined): SafeHtml {
  if (!report)
    return html`<aside class="last-report" id="last-report" aria-labelledby="last-report-title"><h2 id="last-report-title">Last issue</h2><p>No earlier issue has been sent from this project's state file yet.</p></aside>`;
  const [issueId] = report.issues;
  const { misTagged, quietRoles, quietOver } = report.feedback;
  return html`<aside class="last-report" id="last-report" aria-labelledby="last-report-title">
<h2 id="last-report-title">Last issue: ${issueId ?? ''}</h2>
<p class="hint">${String(report.total.delivered)} delivered · ${String(report.total.unique)} unique click(s) · ${String(report.total.unsubscribed)} unsubscribed · ${String(report.total.bounced)} bounced · ${String(report.total.complained)} complained</p>
<table>
<thead><tr><th>Role</th><th>Delivered</th><th>Unique clicks</th></tr></thead>
<tbody>
${report.byRole.map((r) => html`<tr data-role="${r.role}"><td>${r.role}</td><td class="num">${String(r.delivered)}</td><td class="num">${String(r.unique)}</td></tr>`)}
</tbody>
</table>
${
  report.unreachedRoles.length > 0
    ? html`<p class="hint unreached-roles">No reader got a section of ${report.unreachedRoles.join(', ')} (no summary for the role, or no reader holds it).</p>`
    : ''
}
<h3>Most clicked</h3>
${
  report.links.some((l) => l.unique > 0)
    ? html`<ol class="top-links">${report.links
        .filter((l) => l.unique > 0)
        .slice(0, TOP)
        .map(
          (l) =>
            html`<li data-summary="${l.summaryId}"><code>${l.summaryId}</code> in ${l.role}: ${percent(l.rate)} (${String(l.unique)} of ${String(l.readers)})</li>`,
        )}</ol>`
    : html`<p>No clicks recorded.</p>`
}
${
  misTagged.length + quietRoles.length > 0
    ? html`<h3>Tagging feedback</h3><ul class="feedback">${misTagged.map(
        (m) =>
          html`<li><code>${m.summaryId}</code> is read mostly by ${m.role} readers (${percent(m.share)}); tagged ${m.taggedRoles.join(', ')}</li>`,
      )}${quietRoles.map((q) => html`<li>${q.role}: no clicks over the last ${String(quietOver)} issue(s)</li>`)}</ul>`
    : ''
}
</aside>`;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
