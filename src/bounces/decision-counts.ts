import type { Decision } from './apply.js';

/** How many events of an import or a webhook call each decision took (reads no reports: serve loads it too). */
export interface DecisionCounts {
  hard: number;
  soft: number;
  complaint: number;
  suppressed: number;
  duplicate: number;
  unmatched: number;
}

export function countDecisions(decisions: readonly Decision[]): DecisionCounts {
  const counts: DecisionCounts = { hard: 0, soft: 0, complaint: 0, suppressed: 0, duplicate: 0, unmatched: 0 };
  for (const d of decisions) {
    if (d.outcome === 'duplicate' || d.outcome === 'unmatched') {
      counts[d.outcome]++;
      continue;
    }
    counts[d.kind]++;
    if (d.outcome === 'suppressed') counts.suppressed++;
  }
  return counts;
}
