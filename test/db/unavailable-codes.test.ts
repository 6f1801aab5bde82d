import { describe, expect, it } from 'vitest';
import { unavailableError } from '../../src/db/postgres.js';
import { RolecastError } from '../../src/errors.js';

/**
 * Which database errors mean "away for now" (a send worker waits for the database and goes on)
 * rather than a refusal (the worker stops). A database closed to connections for maintenance
 * refuses each new connection with 55000: read as a refusal, a worker whose pool reconnected in
 * that window stopped with E_STATE_UNAVAILABLE instead of waiting.
 */

const URL = 'postgres://rolecast@127.0.0.1:5432/rolecast';
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const read = (error: unknown) => unavailableError(URL, error, { statementMs: 5_000 });

describe('a database error read as the database away for now', () => {
  it.each([
    ['55000', 'database "news" is not currently accepting connections'],
    ['53300', 'sorry, too many clients already'],
    ['57P01', 'terminating connection due to administrator command'],
    ['08006', 'connection failure'],
  ])('%s (%s) is E_STATE_UNAVAILABLE', (code, message) => {
    const read_ = read(pgError(code, message));
    expect(read_).toBeInstanceOf(RolecastError);
    expect((read_ as RolecastError).code).toBe('E_STATE_UNAVAILABLE');
  });

  it('another 55000, a unique violation and a syntax error are left as they are', () => {
    for (const error of [
      pgError('55000', 'object not in prerequisite state'),
      pgError('23505', 'duplicate key value violates unique constraint'),
      pgError('42601', 'syntax error at or near "SELEC"'),
    ])
      expect(read(error)).toBe(error);
  });
});
