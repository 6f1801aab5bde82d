import type { Subscriber } from '../model/subscriber.js';

/** The first text field of a reader holding U+FFFD, if any. */
export function undecodableField(subscriber: Subscriber): 'name' | 'firstName' | 'roles' | undefined {
  if (subscriber.name?.includes('\ufffd')) return 'name';
  if (subscriber.firstName?.includes('\ufffd')) return 'firstName';
  return subscriber.roles.some((role) => role.includes('\ufffd')) ? 'roles' : undefined;
}
