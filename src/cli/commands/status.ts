import { basename, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { displayPath } from '../../load/_display.js';
import { openExistingStateDb, readStatus, stateFilePath } from '../../send/index.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, requirePositional, stringOption } from '../_shared.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show how far a send got: sent, failed and pending counts, and each failure',
  usage: 'rolecast status ISSUE_DIR [--state FILE] [--json] [--config FILE]',
  options: { ...CONFIG_OPTION, state: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, ctx) {
    const issueDir = requirePositional(args, 0, 'ISSUE_DIR', this.usage);
    const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd, near: issueDir });
    // The issue id is the folder name, as the loader defines it.
    const issueId = basename(resolve(ctx.cwd, issueDir));
    const file = stateFilePath(config, ctx.cwd, stringOption(args, 'state'));
    const db = openExistingStateDb(file);
    const channels = db ? readStatus(db, issueId) : [];
    db?.close();
    if (flag(args, 'json')) {
      print(ctx.stdout, JSON.stringify({ issueId, stateFile: file, channels }, null, 2));
      return 0;
    }
    if (channels.length === 0) {
      print(ctx.stdout, `${issueId}: nothing sent yet (no record in ${displayPath(file, ctx.cwd)})`);
      return 0;
    }
    for (const c of channels) {
      const pending = c.pending === undefined ? '' : `, ${c.pending} pending`;
      const run = c.lastRun
        ? ` — last run ${c.lastRun.outcome ?? 'did not finish'} (started ${c.lastRun.startedAt})`
        : '';
      print(
        ctx.stdout,
        `${issueId} via ${c.channel}: ${c.sent} sent, ${c.failed} failed, ${c.deferred} deferred${pending}${run}`,
      );
      for (const f of c.failures) {
        const code = f.responseCode === null ? '' : `${f.responseCode} `;
        const reply = f.response?.startsWith(String(f.responseCode)) ? f.response : `${code}${f.response ?? ''}`;
        print(
          ctx.stdout,
          `  ${f.status === 'failed' ? '✗' : '…'} ${f.email} [${f.status}, ${f.attempts} attempt(s)]: ${reply}`,
        );
      }
    }
    return 0;
  },
};
