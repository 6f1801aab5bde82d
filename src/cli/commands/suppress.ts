import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { addressProblem, suppressibleAddress } from '../../address.js';
import { readEnvironment } from '../../config/env.js';
import { loadStateConfig } from '../../config/state-part.js';
import { RolecastError, throwIfErrors } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import { fileSize, LIMITS, tooLarge } from '../../load/limits.js';
import { printable } from '../../printable.js';
import { parseSuppressionFile } from '../../serve/index.js';
import { stateLocation } from '../../state/location.js';
import { openState } from '../../state/open.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, printProblems, requirePositional, stringOption } from '../_shared.js';

const USAGE =
  'rolecast suppress add EMAIL [--reason R] | import FILE [--reason R] | list [--json]  [--state FILE] [--config FILE]';

/** What running each action again does, said after the advice to run it again. */
const AGAIN = {
  add: 'the address was not suppressed; adding it again suppresses it once',
  import: 'nothing of it was recorded, as an import is recorded whole or not at all',
  list: 'nothing was changed',
} as const;

export const suppressCommand: Command = {
  name: 'suppress',
  summary: 'Add, import (bounces, complaints) or list addresses that are never sent to',
  usage: USAGE,
  options: { ...CONFIG_OPTION, reason: { type: 'string' }, json: { type: 'boolean' }, state: { type: 'string' } },
  async run(args, ctx) {
    const action = requirePositional(args, 0, 'an action (add, import or list)', USAGE);
    if (!['add', 'import', 'list'].includes(action)) {
      throw new RolecastError('E_USAGE', `unknown action "${action}"`, { hint: `usage: ${USAGE}` });
    }
    const config = await loadStateConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd });
    const location = stateLocation(config, readEnvironment(ctx.env), ctx.cwd, stringOption(args, 'state'));
    const store = await openState(location, { localDir: config.stateDirAbs });
    try {
      // Unsubscribes the endpoint could only journal are part of the list.
      await store.suppressions.applyJournal();
      if (action === 'list') {
        const entries = await store.suppressions.list();
        if (flag(args, 'json')) print(ctx.stdout, JSON.stringify(entries, null, 2));
        else {
          for (const e of entries)
            print(ctx.stdout, [e.email, e.reason ?? '-', e.source ?? '-', e.createdAt].map(printable).join('\t'));
          print(ctx.stderr, `${entries.length} suppressed address(es)`);
        }
        return 0;
      }
      if (action === 'add') {
        const raw = requirePositional(args, 1, 'EMAIL', USAGE);
        const email = suppressibleAddress(raw);
        if (email === undefined)
          // The fix too: an address copied with its name ("Ann <ann@…>") is named, to give alone.
          throw new RolecastError('E_USAGE', `"${printable(raw)}" is not a valid email address`, {
            hint: `${addressProblem(raw, { anyLength: true })?.hint ?? 'write it as name@example.com'}; nothing was suppressed`,
          });
        const { added, takenOver } = await store.suppressions.addMany(
          [{ email, reason: stringOption(args, 'reason') ?? 'manual' }],
          'cli',
        );
        const shown = printable(email);
        print(
          ctx.stdout,
          added
            ? `suppressed ${shown}`
            : takenOver
              ? `${shown} was already suppressed, as its reader had unsubscribed; it is now suppressed by you, and signing up again does not lift it`
              : `${shown} was already suppressed`,
        );
        return 0;
      }
      const file = resolve(ctx.cwd, requirePositional(args, 1, 'FILE', USAGE));
      const size = await fileSize(file);
      if (size !== undefined && size > LIMITS.suppressionImportBytes)
        throwIfErrors([tooLarge(displayPath(file), size, LIMITS.suppressionImportBytes)], 'nothing imported');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (cause) {
        throw new RolecastError('E_NOT_FOUND', `${displayPath(file)} could not be read`, { cause });
      }
      const { entries, problems } = parseSuppressionFile(
        text,
        displayPath(file),
        stringOption(args, 'reason') ?? 'import',
      );
      if (entries.length === 0) throwIfErrors(problems, `nothing imported from ${displayPath(file)}`);
      const { added, already, takenOver } = await store.suppressions.addMany(entries, `import:${displayPath(file)}`);
      printProblems(ctx.stderr, problems);
      // Those a reader had unsubscribed are now the editor's, which signing up again does not lift.
      const theirs = takenOver ? ` (${takenOver} unsubscribed by their reader, now suppressed by this import)` : '';
      print(
        ctx.stdout,
        `imported ${added} new address(es); ${already} already suppressed${theirs}; ${problems.length} row(s) not read`,
      );
      return problems.length ? 2 : 0;
    } catch (error) {
      // A full disk or a page found damaged while writing: the same messages as every command.
      throw store.explain(error, AGAIN[action as keyof typeof AGAIN]);
    } finally {
      await store.close();
    }
  },
};
