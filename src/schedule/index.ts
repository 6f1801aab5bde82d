export { runScheduledSendCommand, type ScheduledSendCommandOptions } from './command.js';
export {
  type Adjustment,
  formatPlan,
  type PlanRecipient,
  type PlanWavesInput,
  planWaves,
  resolveWallTime,
  type Wave,
  type WaveZone,
} from './plan.js';
export {
  type RunScheduleOptions,
  runSchedule,
  type ScheduleEvent,
  type ScheduleReport,
  sleep,
  type WaveOutcome,
  type WaveResult,
} from './runner.js';
export {
  type ScheduledSendDeps,
  type ScheduledSendOptions,
  type ScheduledSendResult,
  scheduledSend,
} from './scheduled-send.js';
export {
  ensureScheduleSchema,
  openWaveStore,
  type StoredWave,
  scheduledChannels,
  type WaveStatus,
  type WaveStore,
} from './store.js';
