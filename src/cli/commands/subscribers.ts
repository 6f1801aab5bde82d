import { resolve } from 'node:path';
import { canonicalAddress } from '../../address.js';
import { readEnvironment } from '../../config/env.js';
import { loadConfig } from '../../config/load.js';
import { RolecastError, throwIfErrors } from '../../errors.js';
import { readerRolesSplit } from '../../load/_comma-roles.js';
import { displayPath } from '../../load/_display.js';
import { loadSubscribers } from '../../load/subscribers.js';
import { anyLengthEmail, email as emailSchema } from '../../model/_fields.js';
import { SubscriberSchema } from '../../model/subscriber.js';
import { printable } from '../../printable.js';
import { joinedReaderRoles, readerRolesRead } from '../../roles/reader-roles.js';
import { loadTaxonomy, type RoleTaxonomy } from '../../roles/taxonomy.js';
import { stateUseError } from '../../send/state-file.js';
import { describeLocation, stateLocation } from '../../state/location.js';
import { forgetReader } from '../../store/forget.js';
import {
  type AddressMove,
  exportReaders,
  importReaders,
  mailAddress,
  READER_STATUSES,
  type Reader,
  writtenForm,
} from '../../store/index.js';
import { openSubscriberStoreAt } from '../../store/open-location.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, printProblems, requirePositional, stringOption } from '../_shared.js';
import { subscribersCsv } from './_subscribers-csv.js';

const USAGE = `rolecast subscribers import FILE [--update] | export [--format csv|json] | list [--role R] [--status S] [--json]
       | add EMAIL --roles R1,R2 [--name N] [--timezone Z] [--locale L] | remove EMAIL | forget EMAIL   [--state FILE] [--config FILE]`;
const ACTIONS = ['import', 'export', 'list', 'add', 'remove', 'forget'];

export const subscribersCommand: Command = {
  name: 'subscribers',
  summary: 'Manage the subscriber store: import, export, list, add, remove, forget (erasure)',
  usage: USAGE,
  options: {
    ...CONFIG_OPTION,
    state: { type: 'string' },
    update: { type: 'boolean' },
    format: { type: 'string' },
    role: { type: 'string' },
    status: { type: 'string' },
    json: { type: 'boolean' },
    roles: { type: 'string' },
    name: { type: 'string' },
    timezone: { type: 'string' },
    locale: { type: 'string' },
  },
  async run(args, ctx) {
    const action = requirePositional(args, 0, `an action (${ACTIONS.join(', ')})`, USAGE);
    if (!ACTIONS.includes(action))
      throw new RolecastError('E_USAGE', `unknown action "${printable(action)}"`, { hint: `usage: ${USAGE}` });
    const format = stringOption(args, 'format') ?? 'json';
    if (format !== 'json' && format !== 'csv')
      throw new RolecastError('E_USAGE', `--format must be csv or json, got "${printable(format)}"`);
    const status = stringOption(args, 'status');
    if (status !== undefined && !(READER_STATUSES as readonly string[]).includes(status))
      throw new RolecastError('E_USAGE', `--status must be one of ${READER_STATUSES.join(', ')}`);
    const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd });
    const taxonomy = await loadTaxonomy(config.rolesFile);
    const location = stateLocation(config, readEnvironment(ctx.env), ctx.cwd, stringOption(args, 'state'));
    const stateFile = describeLocation(location);
    const opened = await openSubscriberStoreAt(location);
    const { store } = opened;
    const now = new Date();
    try {
      if (action === 'import') {
        const file = resolve(ctx.cwd, requirePositional(args, 1, 'FILE', USAGE));
        const { subscribers, problems } = await loadSubscribers(file, taxonomy);
        throwIfErrors(problems, `nothing imported from ${displayPath(file)}`);
        printProblems(ctx.stderr, problems);
        const counts = await importReaders(store, subscribers, {
          update: flag(args, 'update'),
          isSuppressed: await opened.suppressionChecker(),
          isErased: await opened.erasureChecker(),
          moved: new Map((await store.moves()).map((move) => [move.email, move.movedTo])),
          now,
          source: displayPath(file),
        });
        print(
          ctx.stdout,
          `imported ${counts.added} new reader(s); ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.existing} already stored (left as they are without --update); ${counts.keptOut} kept unsubscribed${counts.erased ? `; ${counts.erased} erased address(es) left out (never stored again)` : ''}${counts.moved ? `; ${counts.moved} address(es) left out whose reader moved to a new one (\`rolecast subscribers list\` names them)` : ''}`,
        );
        return 0;
      }
      if (action === 'export') {
        const exported = await exportReaders(store, await opened.suppressionChecker(), now);
        const entries = exported.subscribers;
        if (format === 'csv') ctx.stdout.write(subscribersCsv(entries, (role) => taxonomy.lookup(role) !== undefined));
        else print(ctx.stdout, JSON.stringify({ subscribers: entries }, null, 2));
        if (exported.unconsented)
          print(
            ctx.stderr,
            `left out ${exported.unconsented} stored address(es) nobody signed up, imported or added (a send from the store leaves them out too)`,
          );
        if (exported.paused)
          print(
            ctx.stderr,
            `warning: ${exported.paused} paused reader(s) written as active: a subscribers file has no pause, so a send from this file mails them during it (\`rolecast subscribers list --status paused\` names them)`,
          );
        return 0;
      }
      if (action === 'list') {
        const role = stringOption(args, 'role');
        const wanted = role === undefined ? undefined : knownRole(taxonomy, role);
        // By today's taxonomy, as a send reads them: a stored role that became an alias counts as its role.
        // A reader on the suppression list (a one-click unsubscribe, a bounce, the editor's entry) is
        // mailed by no send: shown as unsubscribed, as `export` writes them, whatever their record says.
        const suppressed = await opened.suppressionChecker();
        const readers = (await store.list())
          .map((reader) =>
            (reader.status === 'active' || reader.status === 'paused') && suppressed(reader.email)
              ? { ...reader, status: 'unsubscribed' as const, pausedUntil: null }
              : reader,
          )
          .filter(
            (reader) =>
              (status === undefined || reader.status === status) &&
              (wanted === undefined || readerRolesRead(reader.roles, taxonomy).includes(wanted)),
          );
        const movedFrom = movedFromOf(await store.moves());
        if (flag(args, 'json'))
          print(
            ctx.stdout,
            JSON.stringify(
              readers.map((r) => ({
                ...publicFields(r),
                movedFrom: (movedFrom.get(r.email) ?? []).map(({ email, at }) => ({ email, at })),
              })),
              null,
              2,
            ),
          );
        else {
          for (const r of readers) print(ctx.stdout, listLine(r));
          print(ctx.stderr, `${readers.length} reader(s)`);
          for (const r of readers)
            for (const move of movedFrom.get(r.email) ?? [])
              print(
                ctx.stderr,
                `${printable(move.email)} moved to ${printable(r.email)} on ${move.at.slice(0, 10)}: a subscribers file that lists it is mailed at the new address`,
              );
        }
        return 0;
      }
      const raw = requirePositional(args, 1, 'EMAIL', USAGE);
      // Refused, not hashed as written: a forget of "Name <addr>" would erase nothing and say it did.
      // A reader stored before long addresses were refused can still be removed and forgotten.
      const valid = (action === 'add' ? emailSchema : anyLengthEmail).safeParse(raw);
      if (!valid.success)
        throw new RolecastError('E_USAGE', `"${printable(raw)}" is not a valid email address`, {
          hint: 'give the bare address, e.g. reader@example.com; nothing was changed',
        });
      const email = canonicalAddress(valid.data);
      if (action === 'add') return await add(email, valid.data);
      if (action === 'remove') {
        const removed = await store.remove(email);
        print(ctx.stdout, removed ? `removed ${printable(email)} from the store` : `${printable(email)} is not stored`);
        return removed ? 0 : 2;
      }
      const { had, movedFrom, erased } = await forgetReader(store, email, now);
      const beside = await opened.eraseBeside?.(erased, now);
      print(
        ctx.stdout,
        `forgot ${had ? 'the reader' : 'the address'}${movedFrom ? ` and ${movedFrom} address(es) they moved away from` : ''}: its personal data is deleted; only a hashed suppression is kept, so it is never mailed again`,
      );
      if (beside?.rescueCopies.length)
        print(
          ctx.stderr,
          `warning: ${beside.rescueCopies.length} cop(ies) of the state file a send rescued lie beside it and may still hold the address: ${beside.rescueCopies.join(', ')} — put the one you need in place (stop serve first) and forget the address again, or delete them`,
        );
      return 0;
    } catch (error) {
      throw stateUseError(
        stateFile,
        error,
        action === 'import'
          ? 'nothing of the file was stored, as an import is stored whole or not at all'
          : '`rolecast subscribers list` shows what is stored',
      );
    } finally {
      await opened.close();
    }

    async function add(email: string, written: string): Promise<number> {
      const rolesText = stringOption(args, 'roles');
      if (!rolesText) throw new RolecastError('E_USAGE', 'add needs --roles R1,R2', { hint: `usage: ${USAGE}` });
      const parsed = SubscriberSchema.safeParse({
        email,
        roles: [
          ...new Set(
            readerRolesSplit(rolesText, (role) => taxonomy.lookup(role) !== undefined).flatMap((r) =>
              knownRoles(taxonomy, r),
            ),
          ),
        ],
        name: stringOption(args, 'name'),
        timezone: stringOption(args, 'timezone'),
        locale: stringOption(args, 'locale'),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new RolecastError('E_USAGE', `${issue?.path.join('.') || 'reader'}: ${issue?.message ?? 'is invalid'}`);
      }
      const stored = await store.get(email);
      const at = now.toISOString();
      const reader = parsed.data;
      if (stored?.consent === null) {
        // Kept by the preferences page with no consent (see storeAudience): adding makes them a reader.
        const writtenEmail = writtenForm(email, written);
        await store.update(
          email,
          { consent: { at, method: 'cli', wording: null }, roles: reader.roles, writtenEmail },
          now,
        );
        await store.audit({
          email,
          at,
          page: 'cli',
          change: `consent recorded, roles ${reader.roles.join(', ') || '(none)'}`,
        });
        print(ctx.stdout, `added ${printable(email)} (its settings were already stored)`);
        return 0;
      }
      if (stored)
        throw new RolecastError('E_USAGE', `${printable(email)} is already stored`, {
          hint: 'change it with `rolecast subscribers import FILE --update`, or the reader changes it on the preferences page',
        });
      if ((await opened.erasureChecker())(email))
        throw new RolecastError('E_USAGE', `${printable(email)} was erased (subscribers forget)`, {
          hint: 'an erased address is never stored or mailed again; nothing was changed',
        });
      const suppressed = await opened.isSuppressed(email);
      await store.insert({
        email,
        writtenEmail: written,
        name: reader.name ?? null,
        firstName: null,
        roles: reader.roles,
        timezone: reader.timezone ?? null,
        locale: reader.locale ?? null,
        status: suppressed ? 'unsubscribed' : 'active',
        pausedUntil: null,
        createdAt: at,
        confirmedAt: null,
        readerChangedAt: null,
        readerFields: null,
        fileFields: null,
        consent: { at, method: 'cli', wording: null },
        pendingEmail: null,
        confirmNonce: null,
      });
      await store.audit({ email, at, page: 'cli', change: `added with roles ${reader.roles.join(', ') || '(none)'}` });
      print(
        ctx.stdout,
        suppressed
          ? `added ${printable(email)}, but it is on the suppression list and is not mailed`
          : `added ${printable(email)}`,
      );
      return 0;
    }
  },
};

/** The role's canonical name; known roles joined in one ("CTO/VP Engineering") are each, as in a subscribers file. */
function knownRoles(taxonomy: RoleTaxonomy, role: string): string[] {
  return (
    (taxonomy.lookup(role) === undefined ? joinedReaderRoles(role, taxonomy) : undefined) ?? [knownRole(taxonomy, role)]
  );
}

function knownRole(taxonomy: RoleTaxonomy, role: string): string {
  const canonical = taxonomy.lookup(role);
  if (canonical) return canonical;
  const closest = taxonomy.closest(role);
  throw new RolecastError('E_USAGE', `"${printable(role)}" is not a known role`, {
    hint: closest ? `did you mean ${closest}?` : 'use a role name or alias from the role taxonomy (roles.yaml)',
  });
}

/** What `list --json` shows: no internal tokens. */
function publicFields(reader: Reader) {
  const { confirmNonce: _nonce, ...rest } = reader;
  return rest;
}

/** The moves to each address, by the address moved to. */
function movedFromOf(moves: readonly AddressMove[]): Map<string, AddressMove[]> {
  const byTarget = new Map<string, AddressMove[]>();
  for (const move of moves) byTarget.set(move.movedTo, [...(byTarget.get(move.movedTo) ?? []), move]);
  return byTarget;
}

function listLine(r: Reader): string {
  // The instant, in UTC and marked so: a bare date would be the UTC day, a day off for many readers.
  const until = r.pausedUntil?.replace(/:\d{2}\.\d{3}Z$/, 'Z').replace('T', ' ');
  const status = r.status === 'paused' && until ? `paused until ${until}` : r.status;
  return [mailAddress(r), status, r.roles.join(', ') || '-', r.name ?? '-', r.timezone ?? '-', r.locale ?? '-']
    .map(printable)
    .join('\t');
}
