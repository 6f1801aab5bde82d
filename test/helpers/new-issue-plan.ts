import type { NewIssuePlan } from '../../src/pool/new-issue.js';

/** The least plan `writeNewIssue` writes: one pool summary named, nothing picked to record. */
export const minimalIssuePlan = (issueDir: string) =>
  ({
    dir: issueDir,
    manifest: { subject: 's', date: '2026-12-02', summaries: ['pool:a'] },
    selection: { picked: [] },
  }) as unknown as NewIssuePlan;
