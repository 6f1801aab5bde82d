import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import { linkProblems } from '../../src/render/link-gates.js';
import { palette } from '../../src/render/palette.js';
import { buildView } from '../../src/render/view.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

describe('views and link gates', () => {
  it('decode entities in links before judging them, and pass links without entities as they are', () => {
    const where = { file: 'issue.json', variantId: 'v' };
    expect(linkProblems('<a href="javascript&colon;x">', where)).toHaveLength(1);
    expect(linkProblems('<a href="&#106;avascript:x">', where)).toHaveLength(1);
    expect(linkProblems('<a href="https://a.example/?a=1&amp;b=2">', where)).toHaveLength(0);
    expect(linkProblems("<a href='mailto:a@example.com'> <img src=https://a.example/i.png>", where)).toHaveLength(0);
    expect(linkProblems('<a href="ftp://a.example/">', where)[0]!.message).toContain('"ftp://a.example/"');
  });

  it('share one frozen palette and label set between views, so no view can change another', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const { summaries, manifest } = project.issue;
    const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
    const view = (roles: string[]) =>
      buildView(project.config, project.taxonomy, project.issue, buildVariant(summaries, order, roles));
    const one = view([order[0]!]);
    const two = view([order[1]!]);
    expect(one.colours).toBe(two.colours);
    expect(one.labels).toBe(two.labels);
    expect(Object.isFrozen(one.colours) && Object.isFrozen(one.labels)).toBe(true);
    expect(one.colours).toEqual(palette(project.config.brand));
  });
});
