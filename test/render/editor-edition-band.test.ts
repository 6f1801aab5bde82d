import { describe, expect, it } from 'vitest';
import { withSubscribers } from '../../src/load/project.js';
import { compileAudience } from '../../src/render/index.js';
import { fixtureProject } from './_fixtures.js';

/**
 * A reader of one section has no band (the lead names their role), but the editor edition names
 * no role anywhere else: its only section keeps the band that says whom its stories are for.
 */
describe('the editor edition of an issue with one role', () => {
  it('keeps its band, in HTML and plain text', async () => {
    const summaries = ['a', 'b'].map((id) => ({ id, roles: ['CTO'], url: `https://example.com/${id}` }));
    const project = withSubscribers(fixtureProject({ summaries }), undefined);
    const [editor] = (await compileAudience(project, [])).values();
    const { html, text } = editor!.personalise({ email: 'ed@example.com', unsubscribeUrl: 'https://x.test/u' });
    expect(html).toMatch(/class="rc-band"[^>]*><h2[^>]*>For CTO · 2 reads<\/h2>/);
    expect(text).toContain('== For CTO · 2 reads ==');
  });
});
