import { expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { useStateDb } from '../helpers/state-db.js';
import { runWithFullDisk, waves } from '../helpers/waves-full-disk.js';

/**
 * A scheduled send whose wave went out whole, but whose state then refused to record the wave as
 * sent (a full disk): the run stops before the next wave with a state-write error that says the
 * wave went out and that running again mails nobody twice, rather than a bare SQLite error whose
 * hint is to check the --state path; and the wave's result is reported as sent.
 */

const state = useStateDb('waves-full');

it('stops before the next wave, saying the wave went out and that a rerun mails nobody twice', async () => {
  const sent: string[] = [];
  const { events, refused, stored } = await runWithFullDisk(state.db, 'sent', async (wave) => {
    sent.push(wave.utc);
  });
  expect(sent).toEqual([waves[0]!.utc]);
  expect(events.map((event) => event.type)).toContain('sent');
  expect(refused).toBeInstanceOf(RolecastError);
  const error = refused as RolecastError;
  expect(error.code).toBe('E_STATE_WRITE');
  expect(error.exitCode).toBe(3);
  expect(error.message).toContain(`the wave at ${waves[0]!.utc} went out`);
  expect(error.message).toContain('database or disk is full');
  expect(error.hint).toMatch(/run the same command again: .*no reader recorded is mailed again/);
  // Left as started: the rerun finishes it, whatever the time, against the ledger.
  expect(stored.list().map((wave) => wave.status)).toEqual(['sending', 'pending']);
});
