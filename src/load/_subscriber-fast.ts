import { addressProblem } from '../address.js';
import { isBcp47Locale, isKnownZone, zoneSpelling } from '../model/_fields.js';
import type { Subscriber } from '../model/subscriber.js';
import { LIMITS } from './limits.js';

/**
 * `SubscriberSchema` for the entry nearly every list is made of, without the schema's machinery:
 * a plain object of known fields, each of the right type and valid. Returns exactly what the schema
 * would (same fields, same order, same values), or undefined when it is not sure: then the schema
 * judges the entry and words its problems. It never accepts what the schema refuses.
 */
export function fastSubscriber(entry: unknown): Subscriber | undefined {
  if (typeof entry !== 'object' || entry === null || Object.getPrototypeOf(entry) !== Object.prototype) return;
  const record = entry as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys) if (!FIELDS.has(key)) return;
  // Read as the schema reads them; every own key must be one of these, holding a value.
  const { email, name, firstName, roles, timezone, locale, status } = record;
  let defined = 0;
  if (typeof email !== 'string' || addressProblem(email) !== undefined) return;
  defined++;
  let shownName: string | undefined;
  if (name !== undefined) {
    shownName = headerText(name);
    if (shownName === undefined) return;
    defined++;
  }
  let shownFirst: string | undefined;
  if (firstName !== undefined) {
    shownFirst = headerText(firstName);
    if (shownFirst === undefined) return;
    defined++;
  }
  let roleList: string[] = [];
  if (roles !== undefined) {
    if (!Array.isArray(roles) || roles.length > LIMITS.rolesPerSubscriber) return;
    roleList = new Array<string>(roles.length);
    for (let index = 0; index < roles.length; index++) {
      const role: unknown = roles[index];
      if (typeof role !== 'string') return;
      const trimmed = role.trim();
      if (trimmed.length < 1 || trimmed.length > LIMITS.roleLength) return;
      roleList[index] = trimmed;
    }
    defined++;
  }
  if (timezone !== undefined) {
    if (typeof timezone !== 'string' || !isKnownZone(timezone)) return;
    defined++;
  }
  if (locale !== undefined) {
    if (typeof locale !== 'string' || !isBcp47Locale(locale)) return;
    defined++;
  }
  if (status !== undefined) {
    if (status !== 'active' && status !== 'unsubscribed') return;
    defined++;
  }
  // An own key holding undefined, or a field inherited from a prototype: the schema's call.
  if (defined !== keys.length) return;
  const address = email.trim();
  // The constant itself, equal to the one written: one string shared by every reader.
  const state = status === 'unsubscribed' ? 'unsubscribed' : 'active';
  // The usual shapes as literals: their fields are kept in the object itself, not in a second array.
  if (shownFirst === undefined && timezone === undefined && locale === undefined)
    return shownName === undefined
      ? { email: address, roles: roleList, status: state }
      : { email: address, name: shownName, roles: roleList, status: state };
  // Built in the schema's field order: email, name, firstName, roles, timezone, locale, status.
  const subscriber = { email: address } as Subscriber;
  if (shownName !== undefined) subscriber.name = shownName;
  if (shownFirst !== undefined) subscriber.firstName = shownFirst;
  subscriber.roles = roleList;
  if (timezone !== undefined) subscriber.timezone = zoneSpelling(timezone as string);
  if (locale !== undefined) subscriber.locale = locale as string;
  subscriber.status = state;
  return subscriber;
}

const FIELDS = new Set(['email', 'name', 'firstName', 'roles', 'timezone', 'locale', 'status']);
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/;

/** A name as `headerSafe` then trimmed and limited takes it, or undefined. */
function headerText(value: unknown): string | undefined {
  if (typeof value !== 'string' || LINE_BREAK.test(value) || CONTROL.test(value)) return;
  const trimmed = value.trim();
  return trimmed.length > LIMITS.nameLength ? undefined : trimmed;
}
