import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, it } from 'vitest';
import { ISSUE_DIR, type PreviewFixture, startFixture } from './_fixture.js';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** Polls the index page until `test` holds, as the live reload would show it. */
async function until(f: PreviewFixture, test: (page: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let page = '';
  while (Date.now() < deadline) {
    page = await (await fetch(f.preview.url)).text();
    if (test(page)) return page;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the preview never showed ${what}; last log lines:\n${f.logs.slice(-8).join('\n')}`);
}

const broken = (page: string) => page.includes('id="error-overlay"');
const subjectIs = (subject: string) => (page: string) => !broken(page) && page.includes(subject);

async function setSubject(f: PreviewFixture, subject: string): Promise<void> {
  const file = f.project.path(ISSUE_DIR, 'issue.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  await writeFile(file, JSON.stringify({ ...manifest, subject }, null, 2));
}

describe('live reload when the issue folder itself goes and comes back', () => {
  it('recovers once a folder moved away is put back, and follows edits in it', async () => {
    fixture = await startFixture();
    const folder = fixture.project.path(ISSUE_DIR);
    const aside = fixture.project.path('aside');
    await rename(folder, aside);
    await until(fixture, broken, 'the missing issue');
    await rename(aside, folder);
    await until(fixture, (page) => !broken(page), 'the issue put back');
    await setSubject(fixture, 'Back in place {{lead}}');
    await until(fixture, subjectIs('Back in place'), 'an edit made after the folder came back');
  });

  it('follows edits in a folder swapped for another copy between two renders', async () => {
    fixture = await startFixture();
    const folder = fixture.project.path(ISSUE_DIR);
    // A branch switch: the folder is replaced by a new one at once, before the preview notices.
    await rename(folder, fixture.project.path('old-copy'));
    await cp(fixture.project.path('old-copy'), folder, { recursive: true });
    await setSubject(fixture, 'Swapped in {{lead}}');
    await until(fixture, subjectIs('Swapped in'), 'the swapped-in folder');
    await setSubject(fixture, 'Edited after the swap {{lead}}');
    await until(fixture, subjectIs('Edited after the swap'), 'an edit in the swapped-in folder');
  });

  it('follows edits in a folder deleted and made again, which the file system may give the same inode', async () => {
    fixture = await startFixture();
    const folder = fixture.project.path(ISSUE_DIR);
    const backup = fixture.project.path('backup');
    await cp(folder, backup, { recursive: true });
    // rm -rf, then a restore: ext4 most often hands the new folder the inode number just freed.
    await rm(folder, { recursive: true });
    await mkdir(folder);
    await cp(backup, folder, { recursive: true });
    await setSubject(fixture, 'Restored {{lead}}');
    await until(fixture, subjectIs('Restored'), 'the restored folder');
    await setSubject(fixture, 'Edited after the restore {{lead}}');
    await until(fixture, subjectIs('Edited after the restore'), 'an edit in the restored folder');
  });
});
