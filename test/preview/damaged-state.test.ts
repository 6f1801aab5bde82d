import { afterEach, describe, expect, it } from 'vitest';
import { type PreviewFixture, rawGet, startFixture } from './_fixture.js';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('the preview of a project whose state file is damaged', () => {
  it('shows the issue and every reader, with a warning that the suppression list could not be read', async () => {
    fixture = await startFixture({ files: { '.rolecast/state.db': 'not a database '.repeat(400) } });
    const index = await rawGet(fixture.preview.port, '/');
    expect(index.status).toBe(200);
    expect(index.body).not.toContain('error-overlay');
    expect(index.body).toContain('id="variants"');
    expect(index.body).toMatch(/state\.db is damaged[^<]*readers on the suppression list are shown as receiving it/);
    const view = await rawGet(fixture.preview.port, '/subscriber/priya.raman%40example.com');
    expect(view.status).toBe(200);
    expect(view.body).not.toContain('error-overlay');
  });
});
