import { readFile, writeFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { verifyClickVariant } from '../../src/analytics/token.js';
import { type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';
import type { TestSmtpServer } from './smtp.js';

/** Roles whose role set no other reader of these lists holds. */
export const LONE = ['Security Engineer', 'Head of ML'];

/** An active reader of a list written by the test. */
export const listReader = (email: string, roles: string[]): GeneratedSubscriber => ({
  email,
  name: email.split('@')[0]!,
  roles,
  status: 'active',
});

/** A send fixture mailing `list`, with click tracking on. */
export async function trackedFixture(list: GeneratedSubscriber[]): Promise<SendFixture> {
  const made = await sendFixture(0, {}, list);
  const configFile = made.temp.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify({ ...config, tracking: { clicks: true } }));
  return made;
}

/** The role set each message's tracked links name (undefined where a link names none), by recipient. */
export async function namedIn(server: TestSmtpServer): Promise<Map<string, (string | undefined)[]>> {
  const secret = sendEnv().ROLECAST_SECRET!;
  const named = new Map<string, (string | undefined)[]>();
  for (const message of await server.messages()) {
    const values = [
      ...String(message.parsed.html).matchAll(/href="https:\/\/rolecast\.example\/c\/[^"?]*\?v(?:=|&#x3D;)([^&"]*)/g),
    ].map((m) => verifyClickVariant(m[1]!, '2026-W48', secret));
    expect(values.length).toBeGreaterThan(0);
    named.set(message.envelope.to[0]!, values);
  }
  return named;
}
