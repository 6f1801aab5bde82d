import { request } from 'node:http';
import { onTestFailed } from 'vitest';
import { type PreviewServer, startPreview } from '../../src/preview/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

export const ISSUE_DIR = 'issues/2026-W48';
export const SUBSCRIBERS = 'subscribers.example.json';

export interface PreviewFixture {
  project: TempProject;
  preview: PreviewServer;
  logs: string[];
  close(): Promise<void>;
}

/**
 * A preview of a temp copy of the example project on a free port. The server's log is kept and
 * its last lines printed when a test fails, since a browser timeout alone says little.
 */
export async function startFixture(
  options: {
    files?: Record<string, string>;
    subscribers?: string | false;
    env?: NodeJS.ProcessEnv;
    /** Runs on the project before the preview starts: files that are not text (a state file). */
    prepare?: (project: TempProject) => void | Promise<void>;
  } = {},
): Promise<PreviewFixture> {
  const project = await tempProject({ withExample: true, files: options.files ?? {} });
  const logs: string[] = [];
  let preview: PreviewServer;
  try {
    await options.prepare?.(project);
    preview = await startPreview({
      issueDir: ISSUE_DIR,
      subscribersFile: options.subscribers === false ? undefined : (options.subscribers ?? SUBSCRIBERS),
      cwd: project.dir,
      port: 0,
      ...(options.env ? { env: options.env } : {}),
      log: (line) => logs.push(`${new Date().toISOString().slice(11, 23)} ${line}`),
    });
  } catch (error) {
    await project.cleanup();
    throw error;
  }
  onTestFailed(() => {
    console.error(`preview server, last log lines:\n${logs.slice(-30).join('\n')}`);
  });
  return {
    project,
    preview,
    logs,
    async close() {
      await preview.close();
      await project.cleanup();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET with the path sent exactly as written: fetch would normalise `..` away before sending. */
export function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
