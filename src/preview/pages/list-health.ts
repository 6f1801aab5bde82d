import {
  BOUNCE_RATE_GUIDE,
  COMPLAINT_RATE_LIMIT,
  COMPLAINT_RATE_TARGET,
  formatRate,
  type HealthStatus,
  type IssueHealth,
  type ListHealth,
} from '../../bounces/health.js';
import { html, type SafeHtml } from '../_html.js';

/**
 * The checks panel's list health: bounce and complaint rates of the last issues sent, beside the
 * thresholds Gmail and Yahoo publish for bulk senders, so a rising complaint rate shows before
 * the next send rather than in the spam folder.
 */
export function listHealthPanel(health: ListHealth | undefined): SafeHtml {
  if (!health || health.issues.length === 0)
    return html`<h3>List health</h3><p class="list-health none">No issue sent over SMTP yet: no bounce or complaint rates.</p>`;
  const row = (h: IssueHealth, cls = '') => html`<tr${cls ? html` class="${cls}"` : ''} data-issue="${h.issueId}">
<td>${h.issueId}</td><td class="num">${h.sent}</td>
<td class="num">${h.bounced}</td><td class="num">${formatRate(h.bounceRate)} ${badge(h.bounceStatus)}</td>
<td class="num">${h.complaints}</td><td class="num">${formatRate(h.complaintRate)} ${badge(h.complaintStatus)}</td>
</tr>`;
  return html`<h3>List health</h3>
<table class="list-health">
<thead><tr><th>Issue</th><th class="num">Sent</th><th class="num">Bounced</th><th class="num">Bounce rate</th><th class="num">Complaints</th><th class="num">Complaint rate</th></tr></thead>
<tbody>
${health.issues.map((h) => row(h))}
${row(health.overall, 'total')}
</tbody>
</table>
<p class="thresholds">Gmail and Yahoo require bulk senders to keep the spam complaint rate below ${formatRate(COMPLAINT_RATE_LIMIT)}; Gmail asks to stay below ${formatRate(COMPLAINT_RATE_TARGET)}. Neither publishes a bounce figure: ${formatRate(BOUNCE_RATE_GUIDE)} is the common rule of thumb.</p>`;
}

function badge(status: HealthStatus): SafeHtml | string {
  if (status === 'ok') return '';
  return html`<span class="badge ${status}">${status === 'over' ? 'over the limit' : 'above target'}</span>`;
}
