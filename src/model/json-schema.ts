import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigSchema } from '../config/schema.js';
import { IssueManifestSchema } from './issue.js';
import { SubscriberSchema } from './subscriber.js';
import { SummarySchema } from './summary.js';

/** JSON Schemas generated from the same zod schemas the loader validates with, so they never drift. */
export function jsonSchemas(): Record<string, unknown> {
  const summaryFile = SummarySchema.omit({ id: true }).extend({ $schema: z.string().optional() });
  return {
    'summary.schema.json': z.toJSONSchema(summaryFile, { io: 'input', unrepresentable: 'any' }),
    'issue.schema.json': z.toJSONSchema(IssueManifestSchema, { io: 'input', unrepresentable: 'any' }),
    'subscribers.schema.json': z.toJSONSchema(
      z.union([
        z.array(SubscriberSchema),
        z.object({ $schema: z.string().optional(), subscribers: z.array(SubscriberSchema) }),
      ]),
      { io: 'input', unrepresentable: 'any' },
    ),
    'config.schema.json': z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }),
  };
}

export async function writeJsonSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    const file = join(dir, name);
    await writeFile(file, `${JSON.stringify(schema, null, 2)}\n`);
    written.push(file);
  }
  return written;
}
