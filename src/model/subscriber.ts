import { z } from 'zod';
import { email, headerSafe, ianaZone } from './_fields.js';

export const SubscriberSchema = z.object({
  email,
  name: headerSafe.pipe(z.string().trim()).optional(),
  roles: z.array(z.string().trim().min(1)).default([]),
  timezone: ianaZone.optional(),
  locale: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP 47 locale such as en-GB or de')
    .optional(),
  status: z.enum(['active', 'unsubscribed']).default('active'),
});

export type Subscriber = z.infer<typeof SubscriberSchema>;

/** A subscribers file is a JSON array, or an object with a `subscribers` array. */
export const SubscribersFileSchema = z.union([
  z.array(z.unknown()),
  z.object({ $schema: z.string().optional(), subscribers: z.array(z.unknown()) }),
]);
