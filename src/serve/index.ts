/** The unsubscribe endpoint and the suppression list it writes to. */
export { isOneClickBody, readBoundedBody } from './body.js';
export { escapeHtml, maskEmail } from './pages.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PORT,
  endpointPath,
  startUnsubscribeServer,
  type UnsubscribeServer,
  type UnsubscribeServerOptions,
} from './server.js';
export { type ImportedAddress, parseSuppressionFile, type SuppressionFileResult } from './suppression-file.js';
export {
  addSuppressions,
  listSuppressions,
  type SuppressionDetails,
  type SuppressionEntry,
  type SuppressionList,
  stateSuppressionList,
} from './suppressions.js';
