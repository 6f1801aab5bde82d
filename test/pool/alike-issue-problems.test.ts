import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * An issue that lists many draft summaries gets one warning per line of issue.json, each at its
 * own `summaries[i]`. They share a fix, so past ten `check` prints five and names the lines of the
 * rest, and an error among them is still printed in full.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('check and many alike problems in issue.json', () => {
  it('prints five draft warnings, names the lines of the rest, and keeps the error', async () => {
    const files: Record<string, string> = {};
    const refs: string[] = [];
    for (let i = 1; i <= 14; i++) {
      const id = `draft-${String(i).padStart(2, '0')}`;
      files[`summaries/${id}.json`] = JSON.stringify({
        title: `Draft ${i}`,
        summary: `Notes ${i}.`,
        roles: ['CTO'],
        date: '2026-11-20',
        status: 'draft',
      });
      refs.push(`pool:${id}`);
    }
    refs.push('pool:draft-03');
    files['issues/2026-W49/issue.json'] = JSON.stringify(
      { subject: 's', date: '2026-12-03', summaries: refs },
      null,
      2,
    );
    project = (await poolProject(files)).project;

    const checked = await runMain(project.dir, ['check', 'issues/2026-W49']);
    expect(checked.code).toBe(2);
    const lines = checked.out.split('\n');
    expect(lines.filter((l) => l.includes('is marked draft'))).toHaveLength(5);
    expect(checked.out).toMatch(
      /\n {2}… and 9 more warning\(s\) with the same fix: \S*issue\.json:\d+, (\S*issue\.json:\d+, ){7}\S*issue\.json:\d+ \(`check --json` lists all\)\n/,
    );
    expect(checked.out).toMatch(/issue\.json:\d+: summaries\[14\]: summary id "draft-03" is used twice/);
  });
});
