import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SubscriberStore } from '../../src/store/index.js';
import { readerRecord } from '../helpers/readers.js';

/**
 * The subscriber store's contract, written once and run unchanged against every driver: a new
 * backend passes this suite before anything else uses it.
 */
export interface StoreHarness {
  store: SubscriberStore;
  /** Whether the backend's suppression list refuses the address (after `forget`). */
  isSuppressed(email: string): Promise<boolean>;
  close(): Promise<void>;
}

const T0 = new Date('2026-12-01T10:00:00.000Z');

export const reader = readerRecord;

export function describeStoreContract(driver: string, open: () => Promise<StoreHarness>): void {
  describe(`subscriber store contract: ${driver}`, () => {
    let harness: StoreHarness;
    let store: SubscriberStore;
    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });
    afterEach(() => harness.close());

    it('keys readers by canonical address and round-trips every field', async () => {
      const full = reader('Ann@Bücher.de', {
        writtenEmail: 'Ann@xn--bcher-kva.de',
        name: 'Ann',
        firstName: 'Ann',
        roles: ['CTO', 'Executive'],
        timezone: 'Europe/Berlin',
        locale: 'de',
        status: 'paused',
        pausedUntil: '2026-12-15T10:00:00.000Z',
        confirmedAt: T0.toISOString(),
        readerChangedAt: T0.toISOString(),
        readerFields: { roles: T0.toISOString(), status: T0.toISOString() },
        consent: { at: T0.toISOString(), method: 'form', wording: 'v2' },
        pendingEmail: 'new@example.com',
        confirmNonce: 'n1',
      });
      await store.insert(full);
      expect(await store.get('ann@xn--bcher-kva.de')).toEqual({ ...full, email: 'ann@xn--bcher-kva.de' });
      await expect(store.insert(reader('ANN@bücher.de'))).rejects.toThrow();
    });

    it('updates only the fields given and lists by role and status', async () => {
      await store.insert(reader('a@example.com', { roles: ['CTO'] }));
      await store.insert(reader('b@example.com', { roles: ['Executive'], status: 'pending' }));
      const later = new Date(T0.getTime() + 1000);
      expect(await store.update('a@example.com', { roles: ['CTO', 'Designer'], name: 'A' }, later)).toBe(true);
      expect(await store.update('nobody@example.com', { name: 'x' }, later)).toBe(false);
      expect(await store.get('a@example.com')).toMatchObject({
        roles: ['CTO', 'Designer'],
        name: 'A',
        status: 'active',
        updatedAt: later.toISOString(),
      });
      expect((await store.list({ role: 'Designer' })).map((r) => r.email)).toEqual(['a@example.com']);
      expect((await store.list({ status: 'pending' })).map((r) => r.email)).toEqual(['b@example.com']);
      expect(await store.list()).toHaveLength(2);
    });

    it('renames a reader with their audit log, never onto a stored address', async () => {
      await store.insert(reader('old@example.com', { pendingEmail: 'new@example.com' }));
      await store.insert(reader('taken@example.com'));
      await store.audit({ email: 'old@example.com', at: T0.toISOString(), page: 'preferences', change: 'x' });
      expect(await store.rename('old@example.com', 'taken@example.com', T0)).toBe(false);
      expect(await store.rename('old@example.com', 'New@Example.com', T0)).toBe(true);
      expect(await store.get('old@example.com')).toBeUndefined();
      expect(await store.get('new@example.com')).toMatchObject({ pendingEmail: null });
      expect(await store.auditOf('new@example.com')).toEqual([
        { email: 'new@example.com', at: T0.toISOString(), page: 'preferences', change: 'x' },
      ]);
    });

    it('records a move with each rename, followed one step from every old address, ended by moving back', async () => {
      const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
      await store.insert(reader('a@example.com'));
      expect(await store.rename('a@example.com', 'B@Example.com', at(1))).toBe(true);
      expect(await store.moves()).toEqual([
        { email: 'a@example.com', movedTo: 'b@example.com', at: at(1).toISOString(), latestMovedTo: 'b@example.com' },
      ]);
      expect(await store.rename('b@example.com', 'c@example.com', at(2))).toBe(true);
      expect(await store.moves()).toEqual([
        { email: 'a@example.com', movedTo: 'c@example.com', at: at(1).toISOString(), latestMovedTo: 'c@example.com' },
        { email: 'b@example.com', movedTo: 'c@example.com', at: at(2).toISOString(), latestMovedTo: 'c@example.com' },
      ]);
      // Back at an address they left: that address is theirs again, not a move.
      expect(await store.rename('c@example.com', 'a@example.com', at(3))).toBe(true);
      expect(await store.moves()).toEqual([
        { email: 'b@example.com', movedTo: 'a@example.com', at: at(2).toISOString(), latestMovedTo: 'a@example.com' },
        { email: 'c@example.com', movedTo: 'a@example.com', at: at(3).toISOString(), latestMovedTo: 'a@example.com' },
      ]);
      // A refused rename records nothing.
      await store.insert(reader('taken@example.com'));
      expect(await store.rename('a@example.com', 'taken@example.com', at(4))).toBe(false);
      expect(await store.moves()).toHaveLength(2);
    });

    it('keeps the first move from an address when a record made there since moves on', async () => {
      await store.insert(reader('first@example.com'));
      await store.rename('first@example.com', 'first.new@example.com', T0);
      // An older message's link (or a later owner) makes a record at the old address and moves it.
      await store.insert(reader('first@example.com'));
      expect(await store.rename('first@example.com', 'other@example.com', T0)).toBe(true);
      expect((await store.moves()).map((m) => [m.email, m.movedTo])).toEqual([
        ['first@example.com', 'first.new@example.com'],
      ]);
    });

    it('keeps where the latest reader to leave an address went, followed as they move on, until forgotten', async () => {
      await store.insert(reader('first@example.com'));
      await store.rename('first@example.com', 'first.new@example.com', T0);
      // The address handed on: another reader moves there, then leaves it again, then moves on.
      await store.insert(reader('second@example.com'));
      await store.rename('second@example.com', 'first@example.com', T0);
      await store.rename('first@example.com', 'second.new@example.com', T0);
      await store.rename('second.new@example.com', 'second.newer@example.com', T0);
      const first = async () => (await store.moves()).find((m) => m.email === 'first@example.com');
      expect(await first()).toMatchObject({
        movedTo: 'first.new@example.com',
        latestMovedTo: 'second.newer@example.com',
      });
      expect(await store.forget('second.newer@example.com', T0)).toBe(true);
      expect(await first()).toMatchObject({ movedTo: 'first.new@example.com', latestMovedTo: null });
    });

    it('remove and forget of either address end the moves to or from it', async () => {
      await store.insert(reader('one@example.com'));
      await store.insert(reader('two@example.com'));
      await store.rename('one@example.com', 'one.new@example.com', T0);
      await store.rename('two@example.com', 'two.new@example.com', T0);
      expect(await store.remove('one.new@example.com')).toBe(true);
      expect((await store.moves()).map((m) => m.email)).toEqual(['two@example.com']);
      expect(await store.forget('two@example.com', T0)).toBe(false);
      expect(await store.moves()).toEqual([]);
      await store.rename('two.new@example.com', 'two.newer@example.com', T0);
      expect(await store.forget('Two.Newer@example.com', T0)).toBe(true);
      expect(await store.moves()).toEqual([]);
    });

    it('discard deletes only the record: the moves to and from the address and its audit log stay', async () => {
      await store.insert(reader('one@example.com'));
      await store.rename('one@example.com', 'one.new@example.com', T0);
      await store.insert(reader('one@example.com', { status: 'unsubscribed' }));
      await store.audit({ email: 'one@example.com', at: T0.toISOString(), page: 'import', change: 'left' });
      expect(await store.discard('One@Example.com')).toBe(true);
      expect(await store.discard('one@example.com')).toBe(false);
      expect(await store.get('one@example.com')).toBeUndefined();
      expect((await store.moves()).map((m) => [m.email, m.movedTo])).toEqual([
        ['one@example.com', 'one.new@example.com'],
      ]);
      expect((await store.auditOf('one@example.com')).map((e) => e.change)).toEqual(['left']);
    });

    it('purges only pending signups older than the cut-off', async () => {
      await store.insert(reader('old-pending@example.com', { status: 'pending' }));
      await store.insert(reader('old-active@example.com'));
      await store.insert(
        reader('new-pending@example.com', {
          status: 'pending',
          createdAt: new Date(T0.getTime() + 7200_000).toISOString(),
        }),
      );
      // Stored long ago, but its signup started over recently: its age is that of the signup.
      await store.insert(
        reader('restarted@example.com', {
          status: 'pending',
          consent: { at: new Date(T0.getTime() + 7200_000).toISOString(), method: 'form', wording: null },
        }),
      );
      expect(await store.purgePending(new Date(T0.getTime() + 3600_000))).toBe(1);
      expect((await store.list()).map((r) => r.email).sort()).toEqual([
        'new-pending@example.com',
        'old-active@example.com',
        'restarted@example.com',
      ]);
    });

    it('a failed transaction stores none of its writes', async () => {
      await expect(
        store.transaction(async () => {
          await store.insert(reader('one@example.com'));
          await store.insert(reader('one@example.com'));
        }),
      ).rejects.toThrow();
      expect(await store.get('one@example.com')).toBeUndefined();
      await store.transaction(async () => {
        await store.insert(reader('two@example.com'));
        await store.audit({ email: 'two@example.com', at: T0.toISOString(), page: 'cli', change: 'added' });
      });
      expect(await store.auditOf('two@example.com')).toHaveLength(1);
    });

    it('remove deletes the reader; forget also leaves a suppression that matches the address', async () => {
      await store.insert(reader('gone@example.com'));
      expect(await store.remove('gone@example.com')).toBe(true);
      expect(await store.remove('gone@example.com')).toBe(false);
      await store.insert(reader('erase@example.com'));
      await store.audit({ email: 'erase@example.com', at: T0.toISOString(), page: 'cli', change: 'added' });
      expect(await store.forget('Erase@Example.com', T0)).toBe(true);
      expect(await store.get('erase@example.com')).toBeUndefined();
      expect(await store.auditOf('erase@example.com')).toEqual([]);
      expect(await harness.isSuppressed('erase@example.com')).toBe(true);
      expect(await store.forget('never@example.com', T0)).toBe(false);
      expect(await harness.isSuppressed('never@example.com')).toBe(true);
    });

    it("forget clears the address from another reader's pending change, and keeps that reader", async () => {
      await store.insert(reader('keep@example.com', { pendingEmail: 'asked@example.com', confirmNonce: 'n1' }));
      await store.audit({
        email: 'keep@example.com',
        at: T0.toISOString(),
        page: 'preferences',
        change: 'pendingEmail: (none) → asked@example.com',
      });
      expect(await store.forget('asked@example.com', T0)).toBe(false);
      expect(await store.get('keep@example.com')).toMatchObject({ pendingEmail: null, confirmNonce: null });
      // The keeper's audit line stays, without the erased address.
      const audit = await store.auditOf('keep@example.com');
      expect(audit.map((entry) => entry.change)).toEqual(['pendingEmail: (none) → (erased)']);
    });

    it('forget erases only whole mentions of the address, not one inside another reader’s', async () => {
      await store.insert(reader('ann@example.com.au'));
      // Every character RFC 5322 allows in a local part, before the address: none may start a match.
      const others = [
        'a=n@example.com',
        'a/n@example.com',
        'a#n@example.com',
        'a!n@example.com',
        'a{|}~`^$&*n@example.com',
      ];
      const lines = [
        'email: ann@example.com → ann@example.com.au',
        'pendingEmail: (none) → n@example.com.',
        `aliases: ${others.join(' ')}`,
      ];
      for (const change of lines)
        await store.audit({ email: 'ann@example.com.au', at: T0.toISOString(), page: 'preferences', change });
      await store.forget('n@example.com', T0);
      const audit = await store.auditOf('ann@example.com.au');
      expect(audit.map((entry) => entry.change).sort()).toEqual(
        [
          'email: ann@example.com → ann@example.com.au',
          'pendingEmail: (none) → (erased).',
          `aliases: ${others.join(' ')}`,
        ].sort(),
      );
    });
  });
}
