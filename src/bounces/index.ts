/** Bounces and complaints: reading reports, VERP addresses, decisions and their store. */

export {
  type ApplyOptions,
  applyEvents,
  DEFAULT_SOFT_LIMIT,
  type Decision,
  SUPPRESSION_REASONS,
  softInARow,
} from './apply.js';
export { classifyFailure, findStatus, saysMailboxUnknown } from './classify.js';
export {
  BOUNCE_RATE_GUIDE,
  COMPLAINT_RATE_LIMIT,
  COMPLAINT_RATE_TARGET,
  formatRate,
  type HealthStatus,
  type IssueHealth,
  type ListHealth,
  listHealth,
  readListHealth,
  tallyRecords,
} from './health.js';
export { countDecisions, type DecisionCounts, type ImportSummary, importBounces } from './import.js';
export { type MailboxMessage, readMailbox, splitMbox } from './mailbox.js';
export { type ReadResult, readReport } from './report.js';
export { createResolver, type Resolved, type Resolver } from './resolve.js';
export type { BounceRecord, BounceStore, IssueBounceCounts, Outcome, ReaderHistory } from './store.js';
export { ensureBounceSchema, sqliteBounceStore } from './store-sqlite.js';
export { type BounceEvent, type BounceKind, emptyHints, type SourceHints } from './types.js';
export { parseVerpAddress, VERP_PREFIX, verpAddress } from './verp.js';
