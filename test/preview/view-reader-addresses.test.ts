import { afterEach, describe, expect, it } from 'vitest';
import { type PreviewFixture, rawGet, startFixture } from './_fixture.js';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** Readers of the list with no role this issue covers: the checks name them by address. */
const LIST = `email,name,roles
ann@example.com,Ann,CTO
bob.plumber@example.com,Bob,Plumber
dee.noroles@example.net,Dee,
`;
const UNCOVERED = ['bob.plumber@example.com', 'dee.noroles@example.net'];

describe("the addresses of readers on a variant's or another reader's view", () => {
  it.each(['/variant/editor', '/variant/cto', '/subscriber/ann%40example.com'])(
    '%s names no reader it does not show, and points to the index for them',
    async (path) => {
      fixture = await startFixture({ files: { 'list.csv': LIST }, subscribers: 'list.csv' });
      const view = await rawGet(fixture.preview.port, path);
      expect(view.status).toBe(200);
      for (const address of UNCOVERED) expect(view.body).not.toContain(address);
      expect(view.body).toMatch(/1 warning\(s\) naming readers: see the <a href="\/#checks">index<\/a>/);
      // The index, which lists every reader anyway, still names them where the warning is.
      const index = await rawGet(fixture.preview.port, '/');
      expect(index.body).toMatch(/2 reader\(s\) get nothing this issue: bob\.plumber@example\.com \(Plumber\)/);
    },
  );
});

/** An apostrophe is allowed in an address (o'brien@example.com), and common in names. */
const APOSTROPHE_LIST = `email,name,roles
ann@example.com,Ann,CTO
o'brien@example.com,Orla,Plumber
d'arcy.o'neill@example.net,Darcy,
`;

describe("a reader whose address holds an apostrophe, on a variant's or another reader's view", () => {
  it.each(['/variant/editor', '/variant/cto', '/subscriber/ann%40example.com'])(
    '%s does not name them, and points to the index',
    async (path) => {
      fixture = await startFixture({ files: { 'list.csv': APOSTROPHE_LIST }, subscribers: 'list.csv' });
      const view = await rawGet(fixture.preview.port, path);
      expect(view.status).toBe(200);
      // The page escapes the apostrophe: what follows it is the address's tell-tale part.
      for (const part of ['brien@example.com', 'neill@example.net']) expect(view.body).not.toContain(part);
      expect(view.body).toMatch(/1 warning\(s\) naming readers: see the <a href="\/#checks">index<\/a>/);
      const index = await rawGet(fixture.preview.port, '/');
      expect(index.body).toMatch(/2 reader\(s\) get nothing this issue: o(&#39;|&#x27;|')brien@example\.com/);
    },
  );
});
