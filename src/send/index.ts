/** The send stage: plan who gets what, deliver once per subscriber, record it, resume after a crash. */
export { type Channel, type ChannelStatus, type DeliveryRecord, openLedger, readStatus } from './ledger.js';
export { acquireSendLock } from './lock.js';
export { buildMailOptions, messageIdFor } from './message.js';
export { createRateLimiter, type RateLimiter } from './rate-limit.js';
export { formatReport, type SendReport, type Tally } from './report.js';
export { backoffDelay, classifyFailure } from './retry.js';
export { type Compile, type SendOptions, sendIssue } from './send-issue.js';
export {
  addSuppression,
  isSuppressed,
  openExistingStateDb,
  openStateDb,
  readSuppressionChecker,
  type StateDb,
  stateFilePath,
  suppressionChecker,
} from './store.js';
export { createOutboxTransport, createSmtpTransport, type MailTransport, parseSmtpUrl } from './transport.js';
