/**
 * `npm run bench:peers`: rolecast beside email-templates (defaults and tuned) and React Email, each
 * rendering a comparable digest per reader and sending it through the same nodemailer pool to the
 * same loopback sink. The peers are installed with npm into a temporary folder, never into this
 * package. Prints figures only.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { loadProject } from '../load/project.js';
import type { Summary } from '../model/summary.js';
import { sendIssue } from '../send/index.js';
import { planDelivery } from '../send/plan.js';
import { FIRST_RUN_TO_ALL, startSink } from './_shared.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const READERS = Number(process.env.ROLECAST_BENCH_PEER_READERS ?? 2_000);
const CONCURRENCY = 5;
const PEERS = ['email-templates', 'pug', '@react-email/components', '@react-email/render', 'react', 'react-dom'];
const ROLE_MIXES = [['CTO'], ['Engineering Manager'], ['Data Scientist', 'Product Manager'], ['Security Lead', 'CTO']];

interface Digest {
  to: string;
  name: string;
  subject: string;
  sections: { role: string; summaries: Pick<Summary, 'title' | 'summary' | 'takeaway' | 'url'>[] }[];
}

/** The one part of React the digest uses; React itself lives in the temporary folder. */
interface ReactLike {
  createElement(type: unknown, props: object | null, ...children: unknown[]): unknown;
}

type Render = (digest: Digest) => Promise<{ html: string; text: string }>;

const peerDir = await mkdtemp(join(tmpdir(), 'rolecast-bench-peers-'));
const sink = await startSink();
try {
  print(`rolecast bench:peers — node ${process.version}, ${new Date().toISOString()}`);
  print(`installing ${PEERS.join(', ')} into ${peerDir} …`);
  await writeFile(join(peerDir, 'package.json'), JSON.stringify({ private: true, name: 'rolecast-peers' }));
  await npm(['install', '--no-audit', '--no-fund', '--loglevel=error', ...PEERS], peerDir);
  const load = peerLoader(peerDir);

  const project = await makeProject();
  const url = `smtp://127.0.0.1:${sink.port}`;
  const digests = await digestsFor(project.issueDir, project.list, project.dir);
  print(`\n${READERS} readers, ${CONCURRENCY} connections, loopback sink in a child process; per-reader render + send`);

  const rolecast = await timed(async () => {
    const report = await sendIssue({
      issueDir: project.issueDir,
      subscribersFile: project.list,
      cwd: project.dir,
      env: { SMTP_URL: url, ROLECAST_SECRET: 'bench-signing-secret-0123456789abcdef' },
    });
    return report.total.sent;
  });
  row('rolecast (compiled once per variant)', rolecast);

  const EmailTemplates = (await load('email-templates')) as { default?: unknown } & (new (o: object) => unknown);
  const templatesDir = await emailTemplatesViews(peerDir);
  for (const [label, options] of [
    ['email-templates, defaults (pug + juice + html-to-text)', {}],
    ['email-templates, tuned (no juice, no preview)', { juice: false }],
  ] as const) {
    const Ctor = (EmailTemplates.default ?? EmailTemplates) as new (
      o: object,
    ) => {
      renderAll(template: string, locals: object): Promise<{ html: string; text: string }>;
    };
    const email = new Ctor({
      views: { root: templatesDir, options: { extension: 'pug' } },
      preview: false,
      ...options,
    });
    row(label, await timed(() => sendEach(url, digests, (d) => email.renderAll('digest', d))));
  }

  const React = (await load('react')) as ReactLike;
  const components = (await load('@react-email/components')) as Record<string, unknown>;
  const { render } = (await load('@react-email/render')) as {
    render(node: unknown, options?: { plainText?: boolean }): Promise<string>;
  };
  const element = reactDigest(React, components);
  row(
    'React Email (@react-email/render)',
    await timed(() =>
      sendEach(url, digests, async (d) => ({
        html: await render(element(d)),
        text: await render(element(d), { plainText: true }),
      })),
    ),
  );
  await rm(project.dir, { recursive: true, force: true });
} finally {
  sink.stop();
  await rm(peerDir, { recursive: true, force: true });
}

function row(label: string, run: { count: number; ms: number; cpuUs: number }): void {
  print(
    `  ${label.padEnd(56)} ${((run.count * 1000) / run.ms).toFixed(0).padStart(6)} msgs/s  ${(run.cpuUs / run.count).toFixed(0).padStart(6)} µs CPU/msg  (${run.count} in ${(run.ms / 1000).toFixed(1)} s)`,
  );
}

async function timed(work: () => Promise<number>) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const count = await work();
  const used = process.cpuUsage(cpu);
  return { count, ms: performance.now() - started, cpuUs: used.user + used.system };
}

/** Renders each reader's digest and sends it through one nodemailer pool, `CONCURRENCY` in flight. */
async function sendEach(url: string, digests: Digest[], renderer: Render): Promise<number> {
  const transporter = nodemailer.createTransport({
    pool: true,
    url,
    maxConnections: CONCURRENCY,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < digests.length) {
      const digest = digests[next++]!;
      const { html, text } = await renderer(digest);
      const mail: SendMailOptions = {
        from: 'Rolecast Weekly <digest@rolecast.example>',
        to: { name: digest.name, address: digest.to },
        subject: digest.subject,
        html,
        text,
      };
      await transporter.sendMail(mail);
      sent++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  transporter.close();
  return sent;
}

/** The same readers and sections rolecast sends, as plain data for the peers' templates. */
async function digestsFor(issueDir: string, list: string, cwd: string): Promise<Digest[]> {
  const project = await loadProject({ issueDir, subscribersFile: list, cwd });
  const plan = planDelivery(project, project.subscribers!, FIRST_RUN_TO_ALL);
  const variants = new Map(plan.audience.variants.map((v) => [v.id, v]));
  return plan.toSend.map(({ subscriber, variantId }) => ({
    to: subscriber.email,
    name: subscriber.name ?? '',
    subject: `${project.issue.manifest.title ?? 'This week'} — for ${variants.get(variantId)!.roles.join(', ')}`,
    sections: variants.get(variantId)!.sections.map((section) => ({
      role: section.role,
      summaries: section.summaries.map((s) => ({
        title: s.title,
        summary: s.summary,
        takeaway: s.takeaway,
        url: s.url,
      })),
    })),
  }));
}

async function emailTemplatesViews(dir: string): Promise<string> {
  const root = join(dir, 'emails');
  await mkdir(join(root, 'digest'), { recursive: true });
  await writeFile(join(root, 'digest', 'subject.pug'), '= subject');
  await writeFile(
    join(root, 'digest', 'html.pug'),
    `doctype html
html
  head
    style.
      body { font-family: Helvetica, Arial, sans-serif; background: #f4f4f5; }
      .card { background: #ffffff; border-radius: 6px; padding: 16px; margin: 12px 0; }
      h2 { color: #1f2937; font-size: 18px; }
      .takeaway { color: #374151; font-style: italic; }
  body
    table(width="100%" cellpadding="0" cellspacing="0")
      tr
        td(align="center")
          table(width="600" cellpadding="0" cellspacing="0")
            tr
              td
                p Hello #{name},
                each section in sections
                  h2= section.role
                  each s in section.summaries
                    .card
                      h3= s.title
                      p= s.summary
                      if s.takeaway
                        p.takeaway= s.takeaway
                      if s.url
                        a(href=s.url) Read the article
`,
  );
  return root;
}

/** A React Email digest built with createElement (no JSX build step), the same content as above. */
function reactDigest(React: ReactLike, c: Record<string, unknown>) {
  const h = React.createElement;
  return (d: Digest) =>
    h(
      c.Html,
      { lang: 'en' },
      h(c.Head, null),
      h(c.Preview, null, d.subject),
      h(
        c.Body,
        { style: { fontFamily: 'Helvetica, Arial, sans-serif', background: '#f4f4f5' } },
        h(
          c.Container,
          { style: { width: 600 } },
          h(c.Text, null, `Hello ${d.name},`),
          ...d.sections.map((section) =>
            h(
              c.Section,
              { key: section.role },
              h(c.Heading, { as: 'h2', style: { fontSize: 18, color: '#1f2937' } }, section.role),
              ...section.summaries.map((s) =>
                h(
                  c.Section,
                  { key: s.title, style: { background: '#ffffff', borderRadius: 6, padding: 16, margin: '12px 0' } },
                  h(c.Heading, { as: 'h3' }, s.title),
                  h(c.Text, null, s.summary),
                  s.takeaway ? h(c.Text, { style: { fontStyle: 'italic' } }, s.takeaway) : null,
                  s.url ? h(c.Link, { href: s.url }, 'Read the article') : null,
                ),
              ),
            ),
          ),
        ),
      ),
    );
}

/** Loads a package from the temporary folder: CommonJS through require, ES modules through import. */
function peerLoader(dir: string) {
  const require = createRequire(join(dir, 'package.json'));
  return async (name: string): Promise<unknown> => {
    try {
      return require(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
      return import(pathToFileURL(require.resolve(name)).href);
    }
  };
}

async function makeProject() {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-bench-peers-project-'));
  await cp(join(ROOT, 'issues/2026-W48'), join(dir, 'issues/2026-W48'), { recursive: true });
  await cp(join(ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
  await cp(join(ROOT, 'roles.yaml'), join(dir, 'roles.yaml'));
  const config = JSON.parse(await readFile(join(ROOT, 'rolecast.config.json'), 'utf8')) as Record<string, unknown>;
  config.send = { concurrency: CONCURRENCY, ratePerSecond: 1_000_000, retries: 2, retryBaseMs: 50 };
  await writeFile(join(dir, 'rolecast.config.json'), JSON.stringify(config));
  const list = join(dir, 'subscribers.json');
  await writeFile(
    list,
    JSON.stringify(
      Array.from({ length: READERS }, (_, i) => ({
        email: `reader${i}@bench.example`,
        name: `Reader ${i}`,
        roles: ROLE_MIXES[i % ROLE_MIXES.length],
      })),
    ),
  );
  return { dir, issueDir: join(dir, 'issues/2026-W48'), list };
}

function npm(args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, stdio: 'inherit' });
    child.once('error', fail);
    child.once('close', (code) => (code === 0 ? done() : fail(new Error(`npm ${args[0]} exited with code ${code}`))));
  });
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
