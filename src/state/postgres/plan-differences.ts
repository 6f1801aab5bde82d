/**
 * What a worker's plan is made of, stored with the plan a worker writes, so a worker refused as
 * another plan is told what differs instead of every possible cause. Hashes only: no address is
 * stored here.
 */
export interface PlanParts {
  /** Started with --resend. */
  resend: boolean;
  /** The audience's fingerprint: readers, their variants and details, of the chosen segments. */
  audience: string;
  /** Readers in that audience, suppressed ones included. */
  readers: number;
  /** What the messages say: every variant filled for one made-up reader. */
  content: string;
}

export function storedParts(parts: PlanParts | undefined): string | null {
  return parts ? JSON.stringify(parts) : null;
}

/** Why a worker with `own` is not on the plan that stored `stored`; undefined when it cannot be told (a plan of an older release). */
export function planDifferences(stored: string | null, own: PlanParts | undefined): string | undefined {
  const plan = readParts(stored);
  if (!plan || !own) return undefined;
  const differences: string[] = [];
  if (plan.resend !== own.resend)
    differences.push(
      own.resend
        ? "this worker was started with --resend and the plan's workers without it"
        : "the plan's workers were started with --resend and this worker without it",
    );
  else if (plan.audience !== own.audience)
    differences.push(
      `this worker's subscriber list, --segment or roles.yaml give another audience (${own.readers} reader(s); the plan's: ${plan.readers}), or greet some readers by other names, zones or languages`,
    );
  if (plan.content !== own.content)
    differences.push(
      "this worker's issue folder, templates, roles.yaml or config render other messages than the plan's (another copy of the issue, or another rolecast version)",
    );
  return differences.length > 0 ? differences.join('; and ') : undefined;
}

function readParts(stored: string | null): PlanParts | undefined {
  if (!stored) return undefined;
  try {
    const parts = JSON.parse(stored) as Partial<PlanParts>;
    return typeof parts.audience === 'string' && typeof parts.content === 'string' ? (parts as PlanParts) : undefined;
  } catch {
    return undefined;
  }
}
