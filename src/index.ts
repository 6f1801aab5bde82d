/** The rolecast library API. The CLI is a thin layer over these. */

export { readEnvironment, redactUrl } from './config/env.js';
export { loadConfig, parseConfig } from './config/load.js';
export type { Config, ResolvedConfig } from './config/schema.js';
export { ConfigSchema } from './config/schema.js';
export { ERROR_CODES, EXIT, formatProblem, type Problem, RolecastError } from './errors.js';
export { type Coverage, computeCoverage, MAX_VARIANTS } from './group/coverage.js';
export {
  type AudiencePlan,
  buildVariant,
  effectiveRoleOrder,
  planAudience,
  planSingleRoleVariants,
  type Section,
  sectionsFor,
  type Variant,
} from './group/index.js';
export { type LoadedIssue, loadIssue } from './load/issue.js';
export { inspectProject, loadProject, type Project } from './load/project.js';
export { loadSubscribers, parseSubscribers, parseSubscribersCsv } from './load/subscribers.js';
export { loadSummaryFile, parseSummary } from './load/summary.js';
export { type IssueManifest, IssueManifestSchema } from './model/issue.js';
export { jsonSchemas, writeJsonSchemas } from './model/json-schema.js';
export { type Subscriber, SubscriberSchema } from './model/subscriber.js';
export { type Summary, SummarySchema } from './model/summary.js';
export { loadPool, POOL_PREFIX, type Pool, type PoolEntry, poolRef } from './pool/index.js';
export { planNewIssue, writeNewIssue } from './pool/new-issue.js';
export { selectFromPool } from './pool/select.js';
export { createTaxonomy, loadTaxonomy, parseTaxonomy, type RoleTaxonomy } from './roles/taxonomy.js';
export {
  openSubscriberStore,
  type Reader,
  type ReaderStatus,
  type SubscriberStore,
  sqliteSubscriberStore,
} from './store/index.js';
export { personalLinks } from './unsubscribe/links.js';
export { signToken, verifyToken } from './unsubscribe/token.js';
