import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/project.js';
import { type PreviewFixture, startFixture } from './_fixture.js';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe("the preview's checks panel", () => {
  it('warns, as check does, of text compact cards leave out when there is no archive to read it in', async () => {
    const config = JSON.parse(await readFile(`${REPO_ROOT}/rolecast.config.json`, 'utf8'));
    delete config.urls.archive;
    fixture = await startFixture({ files: { 'rolecast.config.json': JSON.stringify(config) } });
    const page = await (await fetch(fixture.preview.url)).text();
    expect(page).toContain('compact cards leave out text of');
    expect(page).toContain('principle(s)');
  });
});
