import { expect, it } from 'vitest';
import type { CompiledVariant } from '../../src/render/types.js';
import { refuseOversize } from '../../src/send/send-checks.js';

/**
 * A server announcing a very small SIZE (a few KB): a variant whose parts are a small part of it
 * can still be over it once its headers and DKIM signature are added, so it is measured as sent too.
 */

const variant = (bytes: number) => ({ htmlBytes: bytes, textBytes: bytes }) as unknown as CompiledVariant;

it.each([
  // Parts of 1 KB under a limit of 5 KB, a message of 6 KB once its headers and signature are added.
  { limit: 5_000, parts: 500, asSent: 6_000, refused: true },
  { limit: 5_000, parts: 500, asSent: 4_900, refused: false },
  { limit: 50_000, parts: 20_000, asSent: 51_000, refused: true },
])(
  'parts of $parts×2 bytes, $asSent bytes as sent, a SIZE of $limit: refused $refused',
  ({ limit, parts, asSent, refused }) => {
    const measured: string[] = [];
    const check = () =>
      refuseOversize(limit, new Map([['cto', variant(parts)]]), new Map([['cto', 3]]), (id) => {
        measured.push(id);
        return asSent;
      });
    if (refused) expect(check).toThrow(new RegExp(`at most ${limit} bytes .*"cto" is ${asSent} bytes as sent`));
    else expect(check).not.toThrow();
    expect(measured).toEqual(['cto']);
  },
);
