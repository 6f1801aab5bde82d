import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openServeBackend } from '../../src/serve/backend.js';
import { openState } from '../../src/state/open.js';

/**
 * serve stopping (SIGTERM, a deploy) while a reader's change is half done: its transaction is
 * rolled back as the file closes, and the count noted beside the file must not include it. Noted
 * with it, the note ran ahead of the file, and every later send refused the sound file as an older
 * copy of itself (E_STATE_RESTORED).
 */

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-close-mid-'));
  file = join(dir, 'state.db');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('serve closing while a change is in its transaction', () => {
  it('leaves a file the next send opens, without the change', async () => {
    const serve = await openServeBackend({ kind: 'sqlite', file }, { secret: 'x'.repeat(32) });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const pending = serve.store
      .transaction(async () => {
        await serve.suppressions.add('ada@example.com', { reason: 'unsubscribe' });
        entered();
        await gate;
      })
      .catch(() => undefined);
    await inside;
    await serve.close();
    release();
    await pending;

    const state = await openState({ kind: 'sqlite', file });
    try {
      expect(await state.suppressions.isSuppressed('ada@example.com')).toBe(false);
    } finally {
      await state.close();
    }
  });
});
