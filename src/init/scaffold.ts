import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FILE, parseConfig } from '../config/load.js';
import { type Problem, RolecastError } from '../errors.js';

/** src/init or dist/init → the package's own role taxonomy, the one the example project uses. */
const BUILTIN_ROLES_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../roles.yaml');

export interface ScaffoldOptions {
  /** The list's name: the From line's name, and the brand readers see. */
  name: string;
  /** The sender's address. */
  email: string;
  /** The postal address anti-spam laws ask every message to carry. */
  postalAddress: string;
  /** The IANA zone the week and send times are read in. */
  timezone: string;
}

/** What `init` wrote, relative to the project folder, in the order written. */
export interface ScaffoldResult {
  written: string[];
}

/** Option names as the command line spells them, for problems found in the values given. */
const OPTION_OF_FIELD: Record<string, string> = {
  'sender.name': '--name',
  'sender.email': '--email',
  // The list id is made of the name and the address's domain.
  listId: '--email',
  'footer.postalAddress': '--postal-address',
  timezone: '--timezone',
};

/**
 * Starts a project in `dir`: a config from the values given, the role taxonomy to edit, and a
 * pool folder holding one draft summary that shows the format (a draft is never sent). Never
 * overwrites: a folder that already has a config is refused, and nothing is written.
 */
export async function scaffoldProject(dir: string, options: ScaffoldOptions): Promise<ScaffoldResult> {
  const configFile = join(dir, CONFIG_FILE);
  if (existsSync(configFile))
    throw new RolecastError('E_USAGE', `${configFile} already exists`, {
      hint: 'edit it, or run rolecast init in an empty folder',
    });
  const configText = `${JSON.stringify(configFor(options), null, 2)}\n`;
  checkConfig(configText, configFile);

  const written: string[] = [];
  await mkdir(dir, { recursive: true });
  // Created without overwriting: a roles.yaml or summary already there is the editor's own.
  const rolesFile = join(dir, 'roles.yaml');
  if (!existsSync(rolesFile)) {
    await copyFile(BUILTIN_ROLES_FILE, rolesFile);
    written.push('roles.yaml');
  }
  await mkdir(join(dir, 'summaries'), { recursive: true });
  const example = join(dir, 'summaries', 'example-draft.txt');
  if (!existsSync(example)) {
    await writeFile(example, EXAMPLE_SUMMARY);
    written.push('summaries/example-draft.txt');
  }
  // The config last: until it exists, running init again simply finishes the job.
  await writeFile(configFile, configText, { flag: 'wx' });
  written.push(CONFIG_FILE);
  return { written };
}

function configFor(options: ScaffoldOptions) {
  return {
    sender: { name: options.name.trim(), email: options.email.trim() },
    listId: listIdFor(options.name, options.email),
    footer: { postalAddress: options.postalAddress.trim() },
    timezone: options.timezone,
    pool: 'summaries',
    // Compact cards cut text that only a web archive shows, and a new project has none yet: a
    // summary written as the example shows would be cut, and --strict would refuse the first issue.
    cards: { style: 'full' },
  };
}

/** `Platform Notes` at `notes@platform.example` → `platform-notes.platform.example` (RFC 2919). */
function listIdFor(name: string, email: string): string {
  const label =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'newsletter';
  const domain = email.trim().split('@').pop()?.toLowerCase() ?? '';
  return `${label}.${domain}`;
}

/** The values given must make a config every command accepts; a problem names the option to fix. */
function checkConfig(text: string, file: string): void {
  try {
    parseConfig(text, file);
  } catch (error) {
    if (!(error instanceof RolecastError)) throw error;
    const problems: Problem[] = error.problems.map((problem) => {
      const option = OPTION_OF_FIELD[problem.field ?? ''];
      return { ...problem, file: option ?? 'rolecast init', line: undefined };
    });
    throw new RolecastError('E_USAGE', 'the values given would not make a valid config; nothing was written', {
      problems,
      hint: 'correct the options named above and run rolecast init again',
    });
  }
}

const EXAMPLE_SUMMARY = `Queues Are Not a Backlog
Status: draft
Summary
A paragraph (or several) saying what the article argues. This file shows the format; as a draft it is
never picked by rolecast new nor sent. Copy it for each article, then delete it.
Key takeaway
What the reader should do differently.
Principles
- One principle per bullet.
In practice
- One concrete step per bullet.
Topics
- Queueing
Best for: CTO, Engineering Manager
Link: https://example.com/queues
Editorial summary by our editors. Original article published by Example Engineering Blog.
`;
