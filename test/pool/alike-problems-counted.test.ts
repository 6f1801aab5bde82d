import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A pool imported from an old tool repeats one problem in every file. Printed in full, 40 alike
 * warnings bury the one error that differs; past ten, the first five are printed, the rest named on
 * one line, and the JSON output keeps them all.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('many problems with the same fix', () => {
  it('prints the first five, names the rest on one line, and keeps the one that differs', async () => {
    const files: Record<string, string | Buffer> = {};
    for (let i = 0; i < 40; i++)
      files[`summaries/legacy-${String(i).padStart(2, '0')}.txt`] = Buffer.from(
        `Caf\u00e9 Notes ${i}\nDate: 2026-11-20\nSummary\nWhat the caf\u00e9 learnt.\nBest for: CTO\n`,
        'latin1',
      );
    const made = await poolProject();
    project = made.project;
    for (const [name, content] of Object.entries(files)) await project.write(name, content);
    await project.write('summaries/broken.json', '{ "title": "Broken", ');

    const listed = await runMain(project.dir, ['pool']);
    expect(listed.code).toBe(2);
    const lines = listed.err.trimEnd().split('\n');
    expect(lines.filter((l) => l.includes('is not UTF-8; read as Windows-1252'))).toHaveLength(5);
    expect(listed.err).toMatch(
      /\n {2}… and 35 more warning\(s\) with the same fix: \S*summaries\/legacy-05\.txt, (\S+, ){18}\S*summaries\/legacy-24\.txt, and 15 more \(`rolecast pool --json` lists all\)\n/,
    );
    expect(listed.err).toMatch(/summaries\/broken\.json:1: /);
    expect(lines.length).toBeLessThan(10);
    // Every one of them is in the JSON.
    const json = await runMain(project.dir, ['pool', '--json']);
    const { problems } = JSON.parse(json.out) as { problems: { message: string }[] };
    expect(problems.filter((p) => p.message.includes('not UTF-8'))).toHaveLength(40);
  });
});
