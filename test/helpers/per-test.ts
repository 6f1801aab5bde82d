import { afterEach } from 'vitest';

type Disposable = { close(): unknown } | { cleanup(): unknown };

/**
 * Slots for what each test opens (servers, temp projects, pages). After every test, each slot
 * that is set is emptied and then closed, in the order the keys are given.
 */
export function perTest<T extends Record<string, Disposable>>(order: readonly (keyof T)[]): Partial<T> {
  const slots: Partial<T> = {};
  afterEach(async () => {
    for (const key of order) {
      const value = slots[key];
      delete slots[key];
      if (value) await ('close' in value ? value.close() : value.cleanup());
    }
  });
  return slots;
}
