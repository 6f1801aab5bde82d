import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { createRenderer, type PersonalFields, type RendererOptions } from '../../src/render/index.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { fixtureProject, generatedSummaries, roleSets, SAMPLE_READERS } from './_fixtures.js';

/**
 * Hundreds of role sets, in English and German, each reader's message, sizes and problems, against
 * digests written from the same role sets before rendering many of them was made cheaper: a change
 * to how role sets are put together must leave every byte as it was. A change meant to alter the
 * output writes the file again with ROLECAST_WRITE_ROLE_SET_DIGESTS=1, and the diff shows which
 * role sets moved.
 */

const DIGESTS = join(REPO_ROOT, 'test/render/role-set-digests.json');
const WRITE = process.env.ROLECAST_WRITE_ROLE_SET_DIGESTS === '1';

/** The sample readers, one of them also holding a role without stories (the quiet "sent to" line). */
const READERS: PersonalFields[] = [
  ...SAMPLE_READERS,
  { ...SAMPLE_READERS[0]!, email: 'quiet@example.com', name: 'Quiet', roles: ['CTO', 'Role Without Stories'] },
];

async function digests(project: Project, sets: string[][], options: RendererOptions): Promise<string[]> {
  const renderer = await createRenderer(project, { languages: ['en', 'de'], ...options });
  const order = effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [index, roles] of [undefined, ...sets].entries()) {
    const variant = buildVariant(project.issue.summaries, order, roles);
    if (seen.has(variant.id) || !variant.sections.length) continue;
    seen.add(variant.id);
    const compiled = await renderer.compile(variant);
    const hash = createHash('sha256');
    hash.update(JSON.stringify([compiled.subject, compiled.htmlBytes, compiled.textBytes, compiled.problems]));
    for (const reader of READERS) hash.update(JSON.stringify(compiled.personalise(reader)));
    // The exact encoded sizes cost a MIME encoding: every tenth role set.
    if (index % 10 === 0) hash.update(JSON.stringify([compiled.encodedBytes, compiled.encodedHtmlBytes]));
    out.push(`${variant.id} ${hash.digest('hex').slice(0, 20)}`);
  }
  return out;
}

async function check(name: string, found: string[]) {
  const stored = JSON.parse(await readFile(DIGESTS, 'utf8').catch(() => '{}')) as Record<string, string[]>;
  if (WRITE) {
    stored[name] = found;
    await writeFile(DIGESTS, `${JSON.stringify(stored, null, 1)}\n`);
  }
  expect(stored[name], `no digests stored for ${name}: run with ROLECAST_WRITE_ROLE_SET_DIGESTS=1`).toBeDefined();
  expect(found).toEqual(stored[name]);
}

describe('many role sets render byte for byte as stored', () => {
  it('on the example issue, in English and German', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const found = await digests(project, roleSets(project, 400, 5), {});
    expect(found.length).toBeGreaterThan(300);
    await check('example', found);
  }, 300_000);

  it('on an issue of 40 summaries over 15 roles, full cards, clicks tracked', async () => {
    const project = fixtureProject({ summaries: generatedSummaries(), config: { tracking: { clicks: true } } });
    const found = await digests(project, roleSets(project, 300, 17), {
      cardStyle: 'full',
      clickSecret: 'click-secret-0123456789abcdef',
    });
    expect(found.length).toBeGreaterThan(250);
    await check('generated', found);
  }, 300_000);
});
