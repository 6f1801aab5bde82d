/**
 * `npm run bench`: prints the figures the speed and memory targets are judged by. Benchmarks
 * print; tests never assert timings.
 */
import { benchClicks } from './clicks.js';
import { benchLedger } from './ledger.js';
import { benchRender } from './render.js';
import { benchRoleSetSend } from './role-set-send.js';
import { benchScale } from './scale.js';
import { benchSend } from './send.js';
import { benchSendWorkers } from './send-workers.js';

const only = process.argv[2];
console.log(`rolecast bench — node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === 'render') {
  console.log('\n## render');
  await benchRender();
}
if (!only || only === 'send') {
  console.log('\n## send');
  await benchSend();
}
if (!only || only === 'sets') {
  console.log('\n## role sets in a send');
  await benchRoleSetSend();
}
if (!only || only === 'workers') {
  console.log('\n## send workers (PostgreSQL)');
  await benchSendWorkers();
}
if (!only || only === 'clicks') {
  console.log('\n## clicks');
  await benchClicks();
}
if (!only || only === 'ledger') {
  console.log('\n## ledger');
  await benchLedger();
}
if (!only || only === 'scale') {
  console.log('\n## scale');
  await benchScale();
}
