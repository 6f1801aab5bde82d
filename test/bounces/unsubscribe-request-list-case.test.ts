import { describe, expect, it } from 'vitest';
import { readUnsubscribeRequest } from '../../src/bounces/unsubscribe-request.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { unsubscribeRequestMail as request } from '../helpers/bounces.js';

/**
 * A list id is a domain-like name (RFC 2919) and the subject's list word was already compared
 * whatever its case, but the list a mailto token was signed for was compared exactly: a list whose
 * id the config wrote with capitals once and in lower case since had its readers' requests by mail
 * ignored as for another list, and they went on getting every issue. Both now compare alike.
 */

const SECRET = 'list-case-secret-0123456789abcdefghijkl';
const MX = 'mx.rolecast.example';
const VOUCHED = [`${MX}; dmarc=pass header.from=example.com`];

describe('an unsubscribe request by mail names the list whatever the case of its id', () => {
  it.each([
    [
      'a token signed for the list id in capitals',
      (id: string) => signToken({ email: 'ann+news@example.com', listId: id.toUpperCase() }, SECRET),
      'ann+news@example.com',
    ],
    [
      'a token signed for the list id as configured',
      (id: string) => signToken({ email: 'ann+news@example.com', listId: id }, SECRET),
      'ann+news@example.com',
    ],
    ['the list id in capitals as the subject word', (id: string) => id.toUpperCase(), 'ann@example.com'],
  ])('%s', async (_, word, reader) => {
    const listId = 'weekly.rolecast.example';
    const mail = request('Ann <ann@example.com>', `unsubscribe ${word(listId)}`, VOUCHED);
    expect(await readUnsubscribeRequest(mail, { listId, secret: SECRET, authServId: MX })).toEqual({ email: reader });
  });

  it('still ignores a token signed for another list', async () => {
    const token = signToken({ email: 'ann@example.com', listId: 'other.rolecast.example' }, SECRET);
    const mail = request('Ann <ann@example.com>', `unsubscribe ${token}`, VOUCHED);
    expect(
      await readUnsubscribeRequest(mail, { listId: 'weekly.rolecast.example', secret: SECRET, authServId: MX }),
    ).toEqual({
      ignored: 'an unsubscribe request for another list (other.rolecast.example)',
    });
  });
});
