import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/project.js';
import { ISSUE_DIR, type PreviewFixture, startFixture } from './_fixture.js';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('the preview index of an issue without a title', () => {
  it('is headed by the brand readers see above the issue, not by its folder name twice', async () => {
    const manifest = JSON.parse(await readFile(`${REPO_ROOT}/${ISSUE_DIR}/issue.json`, 'utf8'));
    delete manifest.title;
    fixture = await startFixture({ files: { [`${ISSUE_DIR}/issue.json`]: JSON.stringify(manifest) } });
    const page = await (await fetch(fixture.preview.url)).text();
    expect(page).toContain('<h1>Rolecast Weekly <small>2026-W48</small></h1>');
  });
});
