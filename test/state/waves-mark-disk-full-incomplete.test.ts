import { expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { useStateDb } from '../helpers/state-db.js';
import { runWithFullDisk, waves } from '../helpers/waves-full-disk.js';

/**
 * A scheduled send whose wave went out with some messages deferred, and whose state then refused to
 * record the wave (a full disk): the run says that messages were left over, not that the wave went
 * out whole, and still reports the wave as incomplete.
 */

const state = useStateDb('waves-full-deferred');

it('says the deferred messages are owed, and reports the wave incomplete', async () => {
  const { events, refused, stored } = await runWithFullDisk(state.db, 'failed', async () => ({
    complete: false,
    detail: '1 message deferred',
  }));
  expect(events.find((event) => event.type === 'incomplete')).toMatchObject({ detail: '1 message deferred' });
  expect(refused).toBeInstanceOf(RolecastError);
  const error = refused as RolecastError;
  expect(error.code).toBe('E_STATE_WRITE');
  expect(error.message).toContain(`the wave at ${waves[0]!.utc} was sent but 1 message deferred`);
  expect(error.message).not.toContain('went out (its messages are recorded');
  expect(error.hint).toMatch(/readers still owed retried/);
  expect(stored.list().map((wave) => wave.status)).toEqual(['sending', 'pending']);
});
