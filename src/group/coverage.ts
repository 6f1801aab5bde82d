import type { Subscriber } from '../model/subscriber.js';
import type { Summary } from '../model/summary.js';
import { effectiveRoleOrder, planAudience } from './index.js';

/** Above this many distinct role sets, every send renders that many variants: worth a warning. */
export const MAX_VARIANTS = 200;

export interface CoverageRow {
  role: string;
  /** One flag per summary, in the order: does a reader of this role see it? */
  cells: boolean[];
  summaries: number;
  /** Active readers holding the role; undefined without subscribers. */
  readers?: number;
}

export interface Coverage {
  summaries: { id: string; title: string }[];
  /** Roles with summaries in section order, then roles with none (taxonomy, then readers' own). */
  rows: CoverageRow[];
  /** Roles in the taxonomy or held by readers that no summary this week serves. */
  rolesWithout: string[];
  audience?: {
    /** Active readers a send would mail: not unsubscribed, not suppressed. */
    readers: number;
    variants: { id: string; roles: string[]; readers: number }[];
    variantCount: number;
    tooManyVariants: boolean;
    /** Active readers none of whose roles any summary serves. */
    getNothing: { email: string; roles: string[] }[];
  };
}

export interface CoverageInput {
  summaries: readonly Summary[];
  roleOrder?: readonly string[];
  /** Canonical role names from the taxonomy, so roles nobody wrote for still show. */
  taxonomyRoles?: readonly string[];
  subscribers?: readonly Subscriber[] | undefined;
  /** Addresses on the suppression list: a send never mails them, so they read nothing here either. */
  isSuppressed?: ((email: string) => boolean) | undefined;
}

/** The role × summary matrix and, with subscribers, who reads what. Pure: the CLI and preview show the same. */
export function computeCoverage(input: CoverageInput): Coverage {
  const { summaries } = input;
  const order = effectiveRoleOrder(summaries, input.roleOrder ?? []);
  const suppressed = input.isSuppressed ?? (() => false);
  const active = input.subscribers?.filter((s) => s.status !== 'unsubscribed' && !suppressed(s.email));
  const extra = [...(input.taxonomyRoles ?? []), ...(active ?? []).flatMap((s) => s.roles)];
  const rolesWithout = [...new Set(extra)].filter((role) => !order.includes(role));

  const readersByRole = new Map<string, number>();
  for (const subscriber of active ?? [])
    for (const role of new Set(subscriber.roles)) readersByRole.set(role, (readersByRole.get(role) ?? 0) + 1);

  const rows = [...order, ...rolesWithout].map((role) => {
    const cells = summaries.map((s) => s.roles.includes(role));
    const row: CoverageRow = { role, cells, summaries: cells.filter(Boolean).length };
    if (active) row.readers = readersByRole.get(role) ?? 0;
    return row;
  });
  const coverage: Coverage = { summaries: summaries.map(({ id, title }) => ({ id, title })), rows, rolesWithout };
  if (active) {
    const plan = planAudience(summaries, input.roleOrder ?? [], active);
    const counts = new Map<string, number>();
    for (const { variantId } of plan.recipients) counts.set(variantId, (counts.get(variantId) ?? 0) + 1);
    const variants = plan.variants
      .map((v) => ({ id: v.id, roles: v.roles, readers: counts.get(v.id) ?? 0 }))
      .sort((a, b) => b.readers - a.readers || a.id.localeCompare(b.id));
    coverage.audience = {
      readers: active.length,
      variants,
      variantCount: variants.length,
      tooManyVariants: variants.length > MAX_VARIANTS,
      getNothing: plan.skipped
        .filter((s) => s.reason === 'no-content')
        .map(({ subscriber }) => ({ email: subscriber.email, roles: subscriber.roles })),
    };
  }
  return coverage;
}
