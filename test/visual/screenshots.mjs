// `npm run screenshots` compares the email screenshots with the baselines; `-- --update` rewrites them.
import { spawnSync } from 'node:child_process';

const update = process.argv.slice(2).includes('--update');
const result = spawnSync('npx', ['vitest', 'run', 'test/visual'], {
  stdio: 'inherit',
  env: { ...process.env, ...(update ? { UPDATE_SCREENSHOTS: '1' } : {}) },
});
process.exit(result.status ?? 1);
