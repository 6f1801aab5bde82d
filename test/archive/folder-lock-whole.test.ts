import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Two archive builds into one folder: the lock file was created, then written, and the second
 * build reading it in between found it empty, was refused with "its lock file does not say who"
 * and told to delete the lock of a build that was running.
 */

// While set, a lock file being written is created at once and its text written once this settles.
let writing: Promise<void> | undefined;
let created: () => void = () => undefined;

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const writeFile = (async (path: unknown, data: unknown, options?: { flag?: string }) => {
    if (writing && typeof path === 'string' && path.includes('.rolecast-build.lock')) {
      const handle = await fs.open(path, options?.flag ?? 'w');
      try {
        created();
        await writing;
        await handle.writeFile(data as string);
      } finally {
        await handle.close();
      }
      return;
    }
    return (fs.writeFile as (...a: unknown[]) => Promise<void>)(path, data, options);
  }) as typeof fs.writeFile;
  return { ...fs, default: { ...fs, writeFile }, writeFile };
});

// Test files share one module registry: the lock is loaded afresh, with the mock.
vi.resetModules();
const { lockFolder } = await import('../../src/archive/folder-lock.js');

afterAll(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-folder-lock-'));
});

afterEach(() => {
  writing = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('a build looking at the folder lock while another build writes it', () => {
  it('never finds it half written: one build holds the folder, the other is told who', async () => {
    let finish: () => void = () => undefined;
    writing = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const wasCreated = new Promise<void>((resolve) => {
      created = resolve;
    });
    const site = join(dir, 'site');
    const first = lockFolder(site, dir).then(
      (lock) => ({ lock }),
      (error: unknown) => ({ error }),
    );
    await wasCreated;
    writing = undefined;
    const second = await lockFolder(site, dir).then(
      (lock) => ({ lock }),
      (error: unknown) => ({ error }),
    );
    finish();
    const outcomes = [await first, second];
    const held = outcomes.filter((o) => 'lock' in o);
    const refused = outcomes.filter((o) => 'error' in o).map((o) => String((o as { error: Error }).error.message));
    expect(held).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).not.toContain('does not say who');
    expect(refused[0]).toContain(`pid ${process.pid}`);
    await (held[0] as { lock: { release(): Promise<void> } }).lock.release();
  });
});
