import { z } from 'zod';
import { LIMITS } from '../load/limits.js';
import { bcp47Locale, email, headerSafe, ianaZone } from './_fields.js';

export const SubscriberSchema = z.object({
  email,
  name: headerSafe
    .pipe(z.string().trim().max(LIMITS.nameLength, `is too long — limit ${LIMITS.nameLength} characters`))
    .optional(),
  /** What the greeting calls the reader; derived from `name` when absent. */
  firstName: headerSafe
    .pipe(z.string().trim().max(LIMITS.nameLength, `is too long — limit ${LIMITS.nameLength} characters`))
    .optional(),
  roles: z
    .array(
      z.string().trim().min(1).max(LIMITS.roleLength, `is too long — limit ${LIMITS.roleLength} characters per role`),
    )
    .max(LIMITS.rolesPerSubscriber, `has too many roles — limit ${LIMITS.rolesPerSubscriber}`)
    .default([]),
  timezone: ianaZone.optional(),
  locale: bcp47Locale.optional(),
  status: z.enum(['active', 'unsubscribed']).default('active'),
});

export type Subscriber = z.infer<typeof SubscriberSchema>;

/** A subscribers file is a JSON array, or an object with a `subscribers` array. */
export const SubscribersFileSchema = z.union([
  z.array(z.unknown()),
  z.object({ $schema: z.string().optional(), subscribers: z.array(z.unknown()) }),
]);
