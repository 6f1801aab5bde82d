import { readFile, writeFile } from 'node:fs/promises';
import { planAudience } from '../../src/group/index.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/** Role mixes for generated subscribers: single roles, combinations, an alias, and no-content roles. */
const ROLE_MIXES: string[][] = [
  ['CTO'],
  ['Engineering Manager'],
  ['Data Scientist', 'Product Manager'],
  ['Security Lead'],
  ['MLE'],
  ['Designer'],
  ['Executive', 'CTO'],
  ['Consultant'],
  [],
  ['AI Architect'],
];

export interface GeneratedSubscriber {
  email: string;
  name: string;
  roles: string[];
  status: 'active' | 'unsubscribed';
}

/** `count` subscribers; every 7th is unsubscribed; role mixes cycle so each kind of skip appears. */
export function generateSubscribers(count: number): GeneratedSubscriber[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `reader${String(i).padStart(5, '0')}@example.test`,
    name: `Reader ${i}`,
    roles: ROLE_MIXES[i % ROLE_MIXES.length]!,
    status: i % 7 === 6 ? 'unsubscribed' : 'active',
  }));
}

export interface SendFixture {
  temp: TempProject;
  dir: string;
  issueDir: string;
  subscribersFile: string;
  subscribers: GeneratedSubscriber[];
  load(): Promise<Project>;
  cleanup(): Promise<void>;
}

/** A temp copy of the example project with generated subscribers and fast retries. */
export async function sendFixture(
  count: number,
  send: Record<string, number | boolean> = {},
  subscribers: GeneratedSubscriber[] = generateSubscribers(count),
): Promise<SendFixture> {
  const temp = await tempProject({ withExample: true });
  const configFile = temp.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  // A greylisted reader comes back after 50 ms, not the minutes a real greylister needs.
  config.send = { concurrency: 3, ratePerSecond: 1000, retries: 3, retryBaseMs: 5, greylistRetryMs: 50, ...send };
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const subscribersFile = await temp.write('subscribers.json', JSON.stringify({ subscribers }, null, 2));
  const issueDir = temp.path('issues/2026-W48');
  return {
    temp,
    dir: temp.dir,
    issueDir,
    subscribersFile,
    subscribers,
    load: () => loadProject({ issueDir, subscribersFile, cwd: temp.dir }),
    cleanup: () => temp.cleanup(),
  };
}

/** Environment for a send: the given SMTP URL and signing secret, nothing from the real process. */
export function sendEnv(smtpUrl?: string): NodeJS.ProcessEnv {
  return { ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}), ROLECAST_SECRET: 'test-signing-secret-0123456789abcdef' };
}

/**
 * Sends the fixture's issue to its readers over the SMTP server at `url`, through the library,
 * imported when called: a test file that mocks part of the send gets its own mocked copy.
 */
export async function sendFixtureTo(f: SendFixture, url: string) {
  const { sendIssue } = await import('../../src/send/index.js');
  return sendIssue({ issueDir: f.issueDir, subscribersFile: f.subscribersFile, cwd: f.dir, env: sendEnv(url) });
}

/** The addresses the fixture's plan mails (active, with a summary for their roles), sorted. */
export async function eligible(f: SendFixture): Promise<string[]> {
  const project = await f.load();
  const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
  return plan.recipients.map((r) => r.subscriber.email).sort();
}
