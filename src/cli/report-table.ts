import type { Counts, Report } from '../analytics/report.js';

/**
 * `rolecast report` as text: totals, per role, per variant, per summary × section, then feedback.
 * `empty` is what the first line says when the report holds no issue (a period none was sent in).
 */
export function reportTable(report: Report, empty = 'no issue'): string {
  const head = ['RECIPIENTS', 'DELIVERED', 'BOUNCED', 'COMPLAINED', 'UNSUBSCRIBED', 'CLICKS', 'UNIQUE'];
  const countCells = (c: Counts) =>
    [c.recipients, c.delivered, c.bounced, c.complained, c.unsubscribed, c.clicks, c.unique].map(String);
  const lines = [
    `report: ${report.issues.length === 0 ? empty : report.issues.length === 1 ? `issue ${report.issues[0]}` : `${report.issues.length} issue(s): ${report.issues.join(', ')}`}`,
    '',
    ...table(
      ['ROLE', ...head],
      report.byRole.map((r) => [r.role, ...countCells(r)]),
    ),
    ...(report.unreachedRoles.length > 0
      ? [
          `  no reader got a section of ${report.unreachedRoles.join(', ')} (no summary for the role, or no reader holds it)`,
        ]
      : []),
    ...table(['TOTAL', ...head], [['all', ...countCells(report.total)]]),
    '',
    ...table(
      ['VARIANT', ...head],
      // A click whose link lost its role set (`v`) counts under no variant.
      report.byVariant.map((v) => [v.variantId || '(none)', ...countCells(v)]),
    ),
    '',
    ...table(
      ['SUMMARY', 'SECTION', 'READERS', 'CLICKS', 'UNIQUE', 'RATE'],
      report.links.map((l) => [
        l.summaryId,
        l.role,
        String(l.readers),
        String(l.clicks),
        String(l.unique),
        percent(l.rate),
      ]),
    ),
    ...(report.links.length > 0 ? RATE_LEGEND : []),
  ];
  const { misTagged, quietRoles, quietOver } = report.feedback;
  lines.push('', 'tagging feedback:');
  for (const m of misTagged)
    lines.push(
      `  ${m.summaryId}: ${percent(m.share)} of its ${m.unique} unique click(s) come from ${m.role} readers (${percent(m.readerShare)} of its readers); it is tagged for ${m.taggedRoles.join(', ')} — consider tagging it for ${m.role}`,
    );
  for (const q of quietRoles)
    lines.push(
      `  ${q.role}: no clicks on its sections over the last ${quietOver} issue(s) (${q.readers} reader(s) reached)`,
    );
  if (misTagged.length === 0 && quietRoles.length === 0) lines.push('  nothing to suggest');
  return lines.join('\n');
}

/** What the summary table's figures count: unique clicks are per client, not per reader (README "Counting rules"). */
const RATE_LEGEND = [
  '  RATE is UNIQUE / READERS. UNIQUE counts the first click of one client (address and browser) on a link',
  '  of one message within 24 hours, so a gateway that fetches a link its reader opens may count as a second;',
  '  CLICKS counts every click that passed the link scanner filters, repeats included.',
];

const CSV_HEAD = [
  'table',
  'key',
  'section',
  'recipients',
  'delivered',
  'bounced',
  'complained',
  'unsubscribed',
  'readers',
  'clicks',
  'unique',
  'rate',
];

/** One flat CSV: a `table` column says whether a row is a role, a variant or a summary × section. */
export function reportCsv(report: Report): string {
  const counts = (c: Counts) => [c.recipients, c.delivered, c.bounced, c.complained, c.unsubscribed];
  const rows: (string | number)[][] = [
    CSV_HEAD,
    ...report.byRole.map((r) => ['role', r.role, '', ...counts(r), '', r.clicks, r.unique, '']),
    ...report.unreachedRoles.map((role) => ['unreached role', role, '', 0, 0, 0, 0, 0, '', 0, 0, '']),
    ...report.byVariant.map((v) => ['variant', v.variantId, '', ...counts(v), '', v.clicks, v.unique, '']),
    ...report.links.map((l) => [
      'link',
      l.summaryId,
      l.role,
      '',
      '',
      '',
      '',
      '',
      l.readers,
      l.clicks,
      l.unique,
      l.rate.toFixed(4),
    ]),
  ];
  return `${rows.map((row) => row.map((cell) => csvCell(String(cell))).join(',')).join('\r\n')}\r\n`;
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function table(head: string[], rows: string[][]): string[] {
  if (rows.length === 0) return [`${head[0]}: none recorded`];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 || (i === 1 && head[1] === 'SECTION') ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)];
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
