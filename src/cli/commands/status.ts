import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { formatRate, tallyRecords } from '../../bounces/health.js';
import type { BounceRecord } from '../../bounces/store.js';
import { readEnvironment } from '../../config/env.js';
import { loadStateConfig } from '../../config/state-part.js';
import { RolecastError } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import { MANIFEST_FILE } from '../../load/issue-file.js';
import { printable } from '../../printable.js';
import type { StoredWave } from '../../schedule/store.js';
import type { ChannelStatus } from '../../send/index.js';
import { formatPlanStatus, readWorkerPlans } from '../../send/workers/status.js';
import { readIssueStatus } from '../../state/issue-status.js';
import { describeLocation, stateLocation } from '../../state/location.js';
import { readStoredSubscribersAt } from '../../state/read-at.js';
import type { AddressMove } from '../../store/index.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, requirePositional, stringOption } from '../_shared.js';

interface ScheduleStatus {
  channel: string;
  waves: StoredWave[];
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show how far a send got: sent, failed and pending counts, each failure, and any scheduled waves',
  usage: 'rolecast status ISSUE_DIR [--state FILE] [--json] [--config FILE]',
  options: { ...CONFIG_OPTION, state: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, ctx) {
    const issueDir = requirePositional(args, 0, 'ISSUE_DIR', this.usage);
    const config = await loadStateConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd, near: issueDir });
    // The issue id is the folder name, as the loader defines it.
    const issueId = basename(resolve(ctx.cwd, issueDir));
    assertIssueFolder(resolve(ctx.cwd, issueDir));
    const location = stateLocation(config, readEnvironment(ctx.env), ctx.cwd, stringOption(args, 'state'));
    const file = describeLocation(location);
    const { channels, schedules, bounces } = await readIssueStatus(location, issueId);
    // Cooperating workers on PostgreSQL: each plan's progress, its workers and their leases.
    const workers = location.kind === 'postgres' ? await readWorkerPlans(location.url, issueId) : [];
    // Sends from a subscribers file mail these at the new address: a failure or bounce there is the old one's reader.
    const moves = (await readStoredSubscribersAt(location).catch(() => undefined))?.moves ?? [];
    if (flag(args, 'json')) {
      print(
        ctx.stdout,
        JSON.stringify(
          {
            issueId,
            stateFile: file,
            channels,
            schedules,
            bounces: { ...tallyRecords(bounces), events: bounces },
            // Where each file address is mailed; who left an address last is the serve's alone.
            addressMoves: moves.map(({ email, movedTo, at }) => ({ email, movedTo, at })),
            ...(location.kind === 'postgres' ? { workers } : {}),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    if (channels.length === 0)
      print(
        ctx.stdout,
        `${printable(issueId)}: nothing sent yet (no record in ${printable(location.kind === 'sqlite' ? displayPath(file, ctx.cwd) : file)})`,
      );
    for (const c of channels) printChannel(ctx.stdout, issueId, c, ctx.cwd);
    for (const plan of workers) for (const line of formatPlanStatus(issueId, plan)) print(ctx.stdout, printable(line));
    for (const s of schedules) printSchedule(ctx.stdout, issueId, s, ctx.cwd);
    printBounces(ctx.stdout, issueId, bounces, channels.find((c) => c.channel === 'smtp')?.sent ?? 0);
    printMoves(ctx.stdout, moves);
    return 0;
  },
};

function printChannel(out: NodeJS.WritableStream, issueId: string, c: ChannelStatus, cwd: string): void {
  const pending = c.pending === undefined ? '' : `, ${c.pending} pending`;
  const run = c.lastRun ? ` — last run ${c.lastRun.outcome ?? 'did not finish'} (started ${c.lastRun.startedAt})` : '';
  print(
    out,
    `${printable(issueId)} via ${printable(channelLabel(c.channel, cwd))}: ${c.sent} sent, ${c.failed} failed, ${c.deferred} deferred${pending}${run}`,
  );
  if (c.openResend)
    print(out, `  a --resend started at ${c.openResend} is not finished: run it again with --resend to resume it`);
  for (const f of c.failures) {
    const code = f.responseCode === null ? '' : `${f.responseCode} `;
    const reply = f.response?.startsWith(String(f.responseCode)) ? f.response : `${code}${f.response ?? ''}`;
    const mark = f.status === 'failed' ? '✗' : '…';
    print(out, `  ${mark} ${printable(f.email)} [${f.status}, ${f.attempts} attempt(s)]: ${printable(reply)}`);
  }
}

/** One line per wave: when (UTC), how many, which zones, and where it stands. */
function printSchedule(out: NodeJS.WritableStream, issueId: string, s: ScheduleStatus, cwd: string): void {
  const total = s.waves.reduce((sum, w) => sum + w.recipients, 0);
  print(
    out,
    `${printable(issueId)} scheduled via ${printable(channelLabel(s.channel, cwd))}: ${s.waves.length} wave(s), ${total} recipient(s)`,
  );
  for (const w of s.waves) {
    const when = `${w.waveUtc.slice(0, 10)} ${w.waveUtc.slice(11, 16)} UTC`;
    const detail = w.detail ? ` (${printable(w.detail)})` : '';
    print(
      out,
      `  ${when}  ${String(w.recipients).padStart(5)} recipient(s)  ${w.status}${detail}  ${printable(w.zones.join(', '))}`,
    );
  }
}

/** Bounces and complaints recorded for the issue (imported reports and provider webhooks), each with its reason. */
function printBounces(out: NodeJS.WritableStream, issueId: string, records: BounceRecord[], sent: number): void {
  if (records.length === 0) return;
  const t = tallyRecords(records);
  const rates =
    sent > 0
      ? ` of ${sent} sent (bounce rate ${formatRate((t.hard + t.soft) / sent)}, complaint rate ${formatRate(t.complaints / sent)})`
      : '';
  print(out, `${printable(issueId)} bounces: ${t.hard} hard, ${t.soft} soft, ${t.complaints} complaint(s)${rates}`);
  for (const r of records) {
    const mark = r.outcome === 'counted' ? '·' : '✗';
    const status = r.status ? ` ${printable(r.status)}` : '';
    print(
      out,
      `  ${mark} ${printable(r.email)} [${r.kind}${status}, ${r.outcome}, ${printable(r.source)}]: ${printable(r.diagnostic)}`,
    );
  }
}

/** The addresses readers moved away from: a send from a subscribers file that lists one mails the new one. */
function printMoves(out: NodeJS.WritableStream, moves: readonly AddressMove[]): void {
  if (moves.length === 0) return;
  print(
    out,
    `${moves.length} address(es) moved to a new one their reader confirmed; a send from a subscribers file that lists the old one mails the new one:`,
  );
  for (const m of moves) print(out, `  ${printable(m.email)} → ${printable(m.movedTo)} (${m.at.slice(0, 10)})`);
}

/** A typo in the folder name would otherwise read as "nothing sent yet" — a reassuring wrong answer. */
function assertIssueFolder(dir: string): void {
  if (existsSync(join(dir, MANIFEST_FILE))) return;
  throw new RolecastError('E_NOT_FOUND', `${displayPath(dir)} is not an issue folder (it has no ${MANIFEST_FILE})`, {
    hint: 'pass the issue folder that was sent, e.g. issues/2026-W48',
  });
}

/** `outbox:/abs/path` (a run to `--outbox DIR`) reads as `outbox DIR`, relative to where the command runs. */
function channelLabel(channel: string, cwd: string): string {
  return channel.startsWith('outbox:') ? `outbox ${displayPath(channel.slice('outbox:'.length), cwd)}` : channel;
}
