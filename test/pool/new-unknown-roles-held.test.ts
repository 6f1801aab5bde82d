import { afterEach, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A role roles.yaml does not know still reaches a reader who wrote it too (case and spacing aside),
 * as a send matches it. `new` must not tell the editor that no reader holds it, or the fix offered
 * (change the summary's role) would take the story away from that reader.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const growth = (n: number) =>
  JSON.stringify({
    title: `Growth loop ${n}`,
    summary: 'Loops beat funnels.',
    roles: ['Growth Hacker'],
    url: `https://example.org/growth-${n}`,
    date: `2026-11-2${n}`,
  });

it('names roles the taxonomy does not know apart by whether readers hold them', async () => {
  ({ project } = await poolProject({
    'summaries/growth-1.json': growth(1),
    'summaries/growth-2.json': growth(2),
    'summaries/bakery.json': JSON.stringify({
      title: 'Pricing Lessons From a Bakery',
      summary: 'Prices move slower than costs.',
      roles: ['Pastry Chef'],
      date: '2026-11-29',
    }),
    'subscribers.json': JSON.stringify([
      { email: 'g1@example.com', roles: ['growth  HACKER'] },
      { email: 'g2@example.com', roles: ['Growth Hacker', 'CTO'] },
      { email: 'c@example.com', roles: ['CTO'] },
    ]),
  }));
  const created = await runCli(['new', '--week', '2026-W49', '--subscribers', 'subscribers.json'], {
    cwd: project.dir,
  });
  expect(created.code, created.stderr).toBe(0);
  expect(created.stdout).toContain(
    'picked for roles not in roles.yaml that readers hold (add each to the taxonomy):\n  Growth Hacker  2  — 2 reader(s)\n',
  );
  expect(created.stdout).toMatch(
    /picked for roles not in roles\.yaml, which no reader holds \(fix the role in the summary, or add it to the taxonomy\):\n {2}Pastry Chef {4}1\n/,
  );
  expect(created.stdout).not.toMatch(/which no reader holds[^\n]*\n(?: {2}[^\n]*\n)*? {2}Growth Hacker/);
});
