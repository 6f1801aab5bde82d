/**
 * Which rendered variants a send still needs. A variant is let go once the last of its readers is
 * done with (sent, failed, deferred or suppressed), so the send holds only those still to come. A
 * reader whose message is built again later (a greylisted reader, see greylist.ts) keeps their
 * variant until then: their message is not held meanwhile.
 */
export interface VariantUses {
  /** Whether a first build now is the variant's last one: its encoded pieces may go after it. */
  lastFirstBuild(variantId: string): boolean;
  /** A reader's message built for the first time. */
  built(variantId: string): void;
  /** A reader skipped before their message was built. */
  skipped(variantId: string): void;
  /** A reader built before is done with: their message is not built again. */
  finished(variantId: string): void;
}

export function createVariantUses(toBuild: Map<string, number>, release: (variantId: string) => void): VariantUses {
  // Readers built and not yet done with, by variant.
  const open = new Map<string, number>();
  const releaseIfDone = (variantId: string) => {
    if ((toBuild.get(variantId) ?? 0) <= 0 && (open.get(variantId) ?? 0) <= 0) release(variantId);
  };
  const countOff = (variantId: string) => toBuild.set(variantId, (toBuild.get(variantId) ?? 1) - 1);
  return {
    lastFirstBuild: (variantId) => (toBuild.get(variantId) ?? 1) === 1,
    built(variantId) {
      open.set(variantId, (open.get(variantId) ?? 0) + 1);
      countOff(variantId);
    },
    skipped(variantId) {
      countOff(variantId);
      releaseIfDone(variantId);
    },
    finished(variantId) {
      open.set(variantId, (open.get(variantId) ?? 1) - 1);
      releaseIfDone(variantId);
    },
  };
}
