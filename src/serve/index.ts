/** The unsubscribe endpoint and the suppression list it writes to. */

export { applyUnsubscribeJournal, journalPath, type ReplayResult, replayJournal } from '../send/journal.js';
export { openServeBackend, type ServeBackend, type ServeBackendOptions } from './backend.js';
export { isOneClickBody, readBoundedBody } from './body.js';
export { type ConnectionCap, capConnections } from './connections.js';
export { escapeHtml, maskEmail } from './pages.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_PORT,
  DEFAULT_REPLAY_INTERVAL_MS,
  DEFAULT_TIMEOUTS,
  endpointPath,
  type ServerTimeouts,
  STOP_SHARE_MS,
  startUnsubscribeServer,
  stopShare,
  type UnsubscribeServer,
  type UnsubscribeServerOptions,
} from './server.js';
export { type ImportedAddress, parseSuppressionFile, type SuppressionFileResult } from './suppression-file.js';
export {
  type AddOutcome,
  addSuppressions,
  DEFAULT_WRITE_WAIT_MS,
  listSuppressions,
  type StateSuppressionOptions,
  type SuppressionDetails,
  type SuppressionEntry,
  type SuppressionList,
  stateSuppressionList,
} from './suppressions.js';
export { postgresSuppressionList } from './suppressions-postgres.js';
