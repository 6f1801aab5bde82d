import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * Server-Sent Events to the open pages. Each message carries the current snapshot version and this
 * run's id; a page rendered from another version reloads itself. Sending the version on connect
 * closes the race where a rebuild finishes between a page load and its event stream opening. The
 * run id tells a preview started again (its versions counting from 1 anew) from the one the page
 * was rendered by, so a page left open across a restart does not go on showing the old render.
 */
export interface EventHub {
  /** Random per run; pages carry it beside their version. */
  readonly run: string;
  connect(response: ServerResponse, version: number): void;
  broadcast(version: number): void;
  readonly size: number;
  close(): void;
}

export function createEventHub(): EventHub {
  const run = randomBytes(8).toString('hex');
  const clients = new Set<ServerResponse>();
  // Proxies and idle timers drop silent streams; a comment line every 15 s keeps them open.
  const keepAlive = setInterval(() => {
    for (const client of clients) client.write(': ping\n\n');
  }, 15_000);
  keepAlive.unref();

  return {
    run,
    connect(response, version) {
      response.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Content-Type-Options': 'nosniff',
      });
      response.write(`retry: 500\ndata: ${JSON.stringify({ version, run })}\n\n`);
      clients.add(response);
      response.on('close', () => clients.delete(response));
    },
    broadcast(version) {
      for (const client of clients) client.write(`data: ${JSON.stringify({ version, run })}\n\n`);
    },
    get size() {
      return clients.size;
    },
    close() {
      clearInterval(keepAlive);
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}
