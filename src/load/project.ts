import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { append } from '../append.js';
import { readEnvironment } from '../config/env.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/schema.js';
import { redactDatabaseUrl } from '../db/postgres.js';
import { hasErrors, type Problem, RolecastError } from '../errors.js';
import type { Subscriber } from '../model/subscriber.js';
import { SubscriberTable } from '../model/subscriber-table.js';
import { sentCopyChanges } from '../pool/sent-changes.js';
import { readerRolesRead } from '../roles/reader-roles.js';
import { loadTaxonomy, type RoleTaxonomy, roleKey } from '../roles/taxonomy.js';
import { type StateLocation, stateLocation } from '../state/location.js';
import { readStoredReadersAt, readStoredSubscribersAt } from '../state/read-at.js';
import { type FileFieldNote, overlayReaderChanges, roleSpellingsOf, storeAudience } from '../store/index.js';
import { displayPath } from './_display.js';
import { rolesReadOtherwiseProblems } from './_roles-read-otherwise.js';
import { storedUnknownRoles } from './_stored-unknown-roles.js';
import { type LoadedIssue, loadIssue } from './issue.js';
import { reusedPoolSummaries } from './reused.js';
import { loadSubscriberTable } from './subscribers.js';
import { unlistedSummaryFiles } from './unlisted.js';

export interface Project {
  config: ResolvedConfig;
  taxonomy: RoleTaxonomy;
  issue: LoadedIssue;
  /**
   * The readers as an array. A loaded project keeps them as a compact table (see `subscriberTable`)
   * and makes this array only when code asks for it; a send of a large list never does.
   */
  subscribers: Subscriber[] | undefined;
  /** Warnings (and, from `inspectProject`, errors) found while loading. */
  problems: Problem[];
  /** Where the readers came from, and what the subscriber store changed in a subscribers file. */
  readers?: ReaderSource | undefined;
  /** Where the state lives (the SQLite file, or DATABASE_URL): suppressions are read from there too. */
  state?: StateLocation | undefined;
  /**
   * What the subscribers file says for fields readers set that no send had noted yet: a real send
   * stores them (see `noteFileFields`), so a later write of the file that leaves such a field as it
   * is does not take it back.
   */
  fileNotes?: FileFieldNote[] | undefined;
}

export interface ReaderSource {
  source: 'file' | 'store';
  /** File entries whose reader's own later changes in the store won. */
  overrides: number;
  /** Readers left out because they paused. */
  paused: number;
  /** File entries mailed at the address their reader moved to on the preferences page. */
  moved: number;
}

export interface ProjectOptions {
  issueDir: string;
  subscribersFile?: string | undefined;
  configFile?: string | undefined;
  cwd?: string;
  /** The state file holding the subscriber store (`--state`); `state.db` in stateDir by default. */
  stateFile?: string | undefined;
  now?: Date | undefined;
  /**
   * Warn about pool summaries another issue uses too (default true), which reads every issue's
   * manifest: the archive, loading every sent issue, leaves it out.
   */
  poolReuse?: boolean | undefined;
  /** The environment (DATABASE_URL selects PostgreSQL); process.env when not given. */
  env?: NodeJS.ProcessEnv | undefined;
  /**
   * Read the readers (default true). The archive renders for nobody: reading them would only make
   * a database it cannot reach stop a build of past issues.
   */
  readers?: boolean | undefined;
  /** Called once the config is read, before the issue and the readers: a send connects meanwhile. */
  onConfig?: ((config: ResolvedConfig) => void) | undefined;
  /** The issue's manifest as text, read in place of its `issue.json` (which may not exist yet). */
  manifestText?: string | undefined;
}

/** Loads config, taxonomy, issue and subscribers, collecting every problem instead of stopping at the first. */
export async function inspectProject(
  options: ProjectOptions,
): Promise<{ project: Project | undefined; problems: Problem[] }> {
  const cwd = options.cwd ?? process.cwd();
  let config: ResolvedConfig;
  try {
    config = await loadConfig({ file: options.configFile, cwd, near: options.issueDir });
  } catch (error) {
    if (error instanceof RolecastError && error.problems.length)
      return { project: undefined, problems: error.problems };
    throw error;
  }
  options.onConfig?.(config);
  const taxonomy = await loadTaxonomy(config.rolesFile);
  const problems: Problem[] = [...(config.problems ?? []), ...(taxonomy.problems ?? [])];
  const loaded = await loadIssue(resolve(cwd, options.issueDir), taxonomy, {
    poolDir: config.poolDir,
    manifestText: options.manifestText,
  });
  append(problems, loaded.problems);
  let table: SubscriberTable | undefined;
  let readers: ReaderSource | undefined;
  let fileNotes: FileFieldNote[] | undefined;
  const location = stateLocation(config, readEnvironment(options.env), cwd, options.stateFile);
  const now = options.now ?? new Date();
  if (options.readers === false) {
    // Nobody to read: the project has no readers.
  } else if (options.subscribersFile) {
    const file = resolve(cwd, options.subscribersFile);
    // How the file writes each known role: a send before roles.yaml knew one noted it so.
    const written = new Map<string, Set<string>>();
    const stored = await readersBesideFile(location);
    // The roles the file writes for readers the store knows, before roles.yaml reads them.
    const asWritten = new Map<string, readonly string[]>();
    // Their time zones as the file writes them, where read as another spelling.
    const zonesWritten = new Map<string, string>();
    // The other readings of their roles text, as a roles.yaml naming comma roles made them.
    const joinedWritten = new Map<string, () => readonly (readonly string[])[]>();
    const known = new Set([
      ...(stored?.readers ?? []).map((reader) => reader.email),
      ...(stored?.moves ?? []).map((move) => move.email),
    ]);
    const result = await loadSubscriberTable(
      file,
      spellingsNoted(taxonomy, written, known, asWritten, zonesWritten, joinedWritten),
    );
    append(problems, result.problems);
    table = result.table;
    if (stored?.readers.length) {
      const byEmail = new Map(stored.readers.map((reader) => [reader.email, reader]));
      const moves = new Map(stored.moves.map((move) => [move.email, move.movedTo]));
      const movedInAt = new Map<string, string>();
      for (const move of stored.moves)
        if (move.at > (movedInAt.get(move.movedTo) ?? '')) movedInAt.set(move.movedTo, move.at);
      const spellings = roleSpellingsOf(taxonomy.roles, written, (role) => taxonomy.pluralsOf?.(role) ?? []);
      const overlaid = overlayReaderChanges(
        table,
        byEmail,
        modifiedAt(file),
        now,
        moves,
        movedInAt,
        spellings,
        (email) => asWritten.get(email),
        (email) => zonesWritten.get(email),
        modifiedAt(config.rolesFile),
        taxonomy.roles.map((role) => role.name),
        (email) => joinedWritten.get(email)?.() ?? [],
      );
      table = SubscriberTable.from(withTaxonomyRoles(overlaid.subscribers, taxonomy));
      readers = { source: 'file', overrides: overlaid.overrides, paused: overlaid.paused, moved: overlaid.moved };
      if (overlaid.notes.length) fileNotes = overlaid.notes;
      append(problems, rolesReadOtherwiseProblems(file, overlaid.rolesReadOtherwise));
    }
  } else {
    // No file given: the readers who signed up (or were imported) into the store, when there are any.
    const stored = await readStoredReadersAt(location);
    if (stored?.length) {
      const audience = storeAudience(stored, now);
      const subscribers = withTaxonomyRoles(audience.subscribers, taxonomy);
      table = SubscriberTable.from(subscribers);
      readers = { source: 'store', overrides: 0, paused: audience.paused, moved: 0 };
      append(problems, storedUnknownRoles(subscribers, taxonomy, location, config.rolesFile, cwd));
      if (audience.unconsented > 0) problems.push(unconsentedReaders(location, audience.unconsented));
    }
  }
  if (!loaded.issue) return { project: undefined, problems };
  const issue = loaded.issue;
  const listed = new Set(issue.manifest.summaries.map((entry) => resolve(issue.dir, entry)));
  append(problems, await unlistedSummaryFiles(issue.dir, listed));
  if (options.poolReuse !== false)
    append(problems, await reusedPoolSummaries(issue, config.poolDir, (role) => taxonomy.normalise(role)));
  append(problems, await sentCopyChanges(issue, config.poolDir, (role) => taxonomy.normalise(role), cwd));
  // The issue's role order wins; the config's applies to roles the issue does not order.
  config.roleOrder.forEach((role, index) => {
    if (taxonomy.lookup(role) !== undefined) return;
    const closest = taxonomy.closest(role);
    problems.push({
      severity: 'warning',
      file: config.file ? displayPath(config.file) : 'rolecast.config.json',
      field: `roleOrder[${index}]`,
      message: `unknown role "${role}"; it orders no section`,
      hint: closest ? `did you mean ${closest}?` : 'add it to the role taxonomy, or remove it',
    });
  });
  const roleOrder = [...(issue.manifest.roleOrder ?? []), ...config.roleOrder.map((r) => taxonomy.normalise(r))];
  const project = withReaderTable(
    {
      config,
      taxonomy,
      issue: { ...issue, manifest: { ...issue.manifest, roleOrder } },
      problems,
      readers,
      state: location,
      fileNotes,
    },
    table,
  );
  return { project, problems };
}

const TABLES = new WeakMap<Project, SubscriberTable>();

/**
 * The project with `subscribers` read from `table`: the array is made on first read and kept in
 * the table's place, and a project whose `subscribers` are assigned drops the table for them.
 */
function withReaderTable(fields: Omit<Project, 'subscribers'>, table: SubscriberTable | undefined): Project {
  let array: Subscriber[] | undefined;
  const project = Object.defineProperty(fields, 'subscribers', {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!array && table) {
        array = table.toArray();
        // One copy of the readers, not two: a later `subscriberTable` is made from the array.
        table = undefined;
        TABLES.delete(project);
      }
      return array;
    },
    set: (value: Subscriber[] | undefined) => {
      array = value;
      table = undefined;
      TABLES.delete(project);
    },
  }) as Project;
  if (table) TABLES.set(project, table);
  return project;
}

/**
 * The project's readers as a table, without making the array: the loaded table itself, or one
 * made from `subscribers` for a project built another way.
 */
export function subscriberTable(project: Project): SubscriberTable | undefined {
  const table = TABLES.get(project);
  if (table) return table;
  return project.subscribers && SubscriberTable.from(project.subscribers);
}

/**
 * The same project with other readers as `subscribers`, copied without reading the original's
 * (so a table is not made into an array on the way).
 */
export function withSubscribers(project: Project, subscribers: Subscriber[] | undefined): Project {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(project)) as Project;
  return Object.defineProperty(copy, 'subscribers', {
    value: subscribers,
    enumerable: true,
    configurable: true,
    writable: true,
  });
}

/** Like `inspectProject`, but throws one error listing every problem when any is an error. */
export async function loadProject(options: ProjectOptions): Promise<Project> {
  const { project, problems } = await inspectProject(options);
  if (!project || hasErrors(problems)) {
    throw new RolecastError('E_INVALID', `${problems.filter((p) => p.severity === 'error').length} problem(s) found`, {
      problems,
      hint: 'fix the problems listed above and run the command again',
    });
  }
  return project;
}

/** Readers of the store that nobody signed up, imported or added: left out of its audience, and said so. */
function unconsentedReaders(location: StateLocation, count: number): Problem {
  return {
    severity: 'warning',
    file: location.kind === 'sqlite' ? displayPath(location.file) : redactDatabaseUrl(location.url),
    field: 'readers',
    message: `${count} stored reader(s) with no recorded consent are left out: the preferences page kept their settings, but they never signed up and were not imported or added`,
    hint: 'if they should get the newsletter, add them with `rolecast subscribers add EMAIL --roles …` or import a list; `rolecast subscribers list` shows them',
  };
}

function modifiedAt(file: string): Date {
  try {
    return statSync(file).mtime;
  } catch {
    return new Date(0);
  }
}

/** `taxonomy`, noting in `written` each spelling of a known role it reads (a few per role). */
function spellingsNoted(
  taxonomy: RoleTaxonomy,
  written: Map<string, Set<string>>,
  /** Addresses whose entry's roles are kept as written, in `asWritten` (the first entry's, as the loader keeps). */
  known: ReadonlySet<string>,
  asWritten: Map<string, readonly string[]>,
  zonesWritten: Map<string, string>,
  joinedWritten: Map<string, () => readonly (readonly string[])[]>,
): RoleTaxonomy {
  return {
    ...taxonomy,
    readsWritten(address, roles, timezone, joined) {
      if (!known.has(address) || asWritten.has(address)) return;
      asWritten.set(address, [...roles()]);
      if (timezone !== undefined) zonesWritten.set(address, timezone);
      // Worked out only for a note the text as taken now does not match.
      if (joined) joinedWritten.set(address, joined);
    },
    normalise(role) {
      const name = taxonomy.normalise(role);
      // Only through an alias: the role's own name in another case was noted under the name.
      if (taxonomy.lookup(role) !== undefined && roleKey(role) !== roleKey(name)) {
        const spelled = written.get(name) ?? new Set<string>();
        if (spelled.size < WRITTEN_SPELLINGS) spelled.add(role.normalize('NFC').trim().replace(/\s+/g, ' '));
        written.set(name, spelled);
      }
      return name;
    },
  };
}

/**
 * Stored roles by the taxonomy of today, as a subscribers file's are read: a role renamed in
 * roles.yaml since a reader chose it (now an alias of another) still reaches them.
 */
function withTaxonomyRoles(subscribers: Subscriber[], taxonomy: RoleTaxonomy): Subscriber[] {
  return subscribers.map((subscriber) => {
    const roles = readerRolesRead(subscriber.roles, taxonomy);
    return roles.join('\u0000') === subscriber.roles.join('\u0000') ? subscriber : { ...subscriber, roles };
  });
}

/** Spellings of one role kept from a subscribers file: a list that writes it more ways is broken. */
const WRITTEN_SPELLINGS = 8;

/**
 * The store's readers for overlaying a file. A state file that cannot be read is left to the
 * command that uses it (a send refuses a damaged one with its own message); the file is read as is.
 */
async function readersBesideFile(location: StateLocation) {
  try {
    return await readStoredSubscribersAt(location);
  } catch {
    return undefined;
  }
}
