import { resolve } from 'node:path';
import { countDecisions, type Decision, importBounces } from '../../bounces/index.js';
import { openBounceStoreAt } from '../../bounces/open.js';
import type { JournaledInstead } from '../../bounces/store.js';
import { assertStrongPreviousSecrets, readEnvironment } from '../../config/env.js';
import { loadConfig } from '../../config/load.js';
import { EXIT, RolecastError } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import { printable } from '../../printable.js';
import { stateUseError } from '../../send/state-file.js';
import { describeLocation, stateLocation } from '../../state/location.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, requirePositional, stringOption } from '../_shared.js';

const USAGE = 'rolecast bounces import FILE|DIR [--json] | list [--issue ID] [--json]  [--state FILE] [--config FILE]';

export const bouncesCommand: Command = {
  name: 'bounces',
  summary: 'Import bounce and complaint reports (.eml, mbox, Maildir) into the suppression list, or list them',
  usage: USAGE,
  options: { ...CONFIG_OPTION, json: { type: 'boolean' }, state: { type: 'string' }, issue: { type: 'string' } },
  async run(args, ctx) {
    const action = requirePositional(args, 0, 'an action (import or list)', USAGE);
    if (action !== 'import' && action !== 'list')
      throw new RolecastError('E_USAGE', `unknown action "${printable(action)}"`, { hint: `usage: ${USAGE}` });
    const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd });
    const env = readEnvironment(ctx.env);
    assertStrongPreviousSecrets(env.previousSecrets);
    const location = stateLocation(config, env, ctx.cwd, stringOption(args, 'state'));
    const stateFile = describeLocation(location);

    if (action === 'list') {
      const opened = await openBounceStoreAt(location, { read: true });
      try {
        const issue = stringOption(args, 'issue');
        const events = opened ? await opened.store.events(issue ? { issueId: issue } : {}) : [];
        if (flag(args, 'json')) print(ctx.stdout, JSON.stringify(events, null, 2));
        else
          for (const e of events)
            print(
              ctx.stdout,
              // Each cell printable: a tab or newline in a server's words would make cells or rows of its own.
              [e.occurredAt, e.kind, e.email, e.issueId ?? '-', e.status ?? '-', e.outcome, e.diagnostic]
                .map(printable)
                .join('\t'),
            );
        if (!flag(args, 'json')) print(ctx.stderr, `${events.length} bounce(s) and complaint(s)`);
        return 0;
      } finally {
        await opened?.close();
      }
    }

    const path = resolve(ctx.cwd, requirePositional(args, 1, 'FILE or DIR', USAGE));
    const opened = (await openBounceStoreAt(location, { growthLimitPages: env.stateGrowthLimitPages }))!;
    let journaled: JournaledInstead | undefined;
    try {
      const summary = await importBounces(path, opened.store, {
        source: `import:${displayPath(path, ctx.cwd)}`,
        softLimit: config.bounces.softLimit,
        secret: env.secret,
        previousSecrets: env.previousSecrets,
        verpDomain: config.bounces.domain,
        listId: config.listId,
        sender: config.sender.email,
        authServId: config.bounces.authServId,
        now: new Date(),
      });
      const counts = countDecisions(summary.decisions);
      journaled = opened.store.journaledInstead?.();
      if (flag(args, 'json')) {
        print(
          ctx.stdout,
          JSON.stringify(
            {
              messages: summary.messages,
              ...counts,
              decisions: summary.decisions,
              unsubscribed: summary.unsubscribed,
              ignored: summary.ignored,
            },
            null,
            2,
          ),
        );
        return journaled ? notRecorded(stateFile, journaled) : 0;
      }
      for (const d of summary.decisions) print(ctx.stdout, describe(d));
      for (const u of summary.unsubscribed)
        print(ctx.stdout, `unsubscribe request by mail\t${printable(u.email)}\t${u.outcome}`);
      for (const i of summary.ignored)
        print(ctx.stderr, `skipped ${printable(displayPath(i.origin, ctx.cwd))}: ${printable(i.reason)}`);
      print(
        ctx.stdout,
        `read ${summary.messages} message(s): ${counts.hard} hard bounce(s), ${counts.soft} soft, ${counts.complaint} complaint(s); ${counts.suppressed} address(es) newly suppressed; ${counts.duplicate} already imported; ${counts.unmatched} naming no reader; ${summary.unsubscribed.length} unsubscribe request(s) by mail, ${summary.unsubscribed.filter((u) => u.outcome === 'suppressed').length} newly suppressed`,
      );
      return journaled ? notRecorded(stateFile, journaled) : 0;
    } catch (error) {
      throw stateUseError(
        stateFile,
        error,
        'reports already recorded are not recorded twice; keep the mailbox until it succeeds',
      );
    } finally {
      await opened.close();
    }
  },
};

/**
 * The state file took none of what was read: it is safe in the journal, which the next send
 * applies, but the run must not look like a success (a script would delete the mailbox).
 */
function notRecorded(stateFile: string, journaled: JournaledInstead): never {
  throw new RolecastError(
    'E_STATE_WRITE',
    `the state file ${stateFile} took no writes (${journaled.cause}): the ${journaled.entries} suppression(s) above, with their bounces and complaints, went to ${journaled.journal} instead`,
    {
      exitCode: EXIT.sendFailed,
      hint: `keep that file: the next send applies it before it plans, as does \`rolecast suppress list\` once the state file takes writes again (free space, permissions)`,
    },
  );
}

/**
 * One line per decision. Every value a report carries (its id, address, issue, status and the
 * server's words) is shown printable: a tab or line break in them would split the line.
 */
function describe(d: Decision): string {
  const eventId = printable(d.eventId);
  if (d.outcome === 'duplicate') return `= ${eventId}: already imported`;
  if (d.outcome === 'unmatched')
    return d.skipped
      ? `? ${eventId}: skipped, not about this list's mail: ${printable(d.skipped)} (${printable(d.diagnostic)})`
      : `? ${eventId}: names no reader${d.reason ? `: ${printable(d.reason)}` : ''} (${printable(d.diagnostic)})`;
  const issue = d.issueId ? ` [${printable(d.issueId)}]` : '';
  const row = d.inARow === undefined ? '' : `, ${d.inARow} in a row`;
  return `${d.outcome === 'suppressed' ? '✗' : '·'} ${printable(d.email)}${issue} ${d.kind}${row} ${printable(d.status ?? '')}: ${d.outcome} — ${printable(d.diagnostic)}`;
}
