import type { Server } from 'node:http';
import { isIP, type Socket } from 'node:net';

/**
 * A cap on open connections that makes room instead of refusing: at the cap, the connections that
 * have been idle longest (no request in flight — including clients still trickling their headers)
 * are closed for the newcomer. Node's own `server.maxConnections` drops the newcomer instead, so a
 * few hundred idle sockets would lock out a mail provider's POST and the health check alike. Only
 * when every connection is serving a request is the new one closed; those end within the
 * request timeout.
 *
 * One client (an IPv4 address, or an IPv6 /64, which one host commonly holds whole) may hold only
 * `perClient` of them: without that, one client trickling 256 request bodies would hold every
 * connection for the whole request timeout. A loopback peer is exempt: behind a reverse proxy
 * every connection comes from it.
 */

export interface ConnectionCap {
  /** Connections open now. */
  open(): number;
}

export interface PerClientCap {
  max: number;
  /** Peers the cap does not apply to; loopback by default (a reverse proxy on the same host). */
  exempt?: (address: string) => boolean;
}

interface SocketState {
  inFlight: number;
  client: string | undefined;
}

export function capConnections(server: Server, max: number, perClient?: PerClientCap): ConnectionCap {
  // Map order is least recently active first: a connection moves to the end when a request ends.
  const sockets = new Map<Socket, SocketState>();
  const byClient = new Map<string, number>();
  const exempt = perClient?.exempt ?? isLoopback;

  const drop = (socket: Socket, state: SocketState) => {
    if (!sockets.delete(socket)) return;
    if (state.client !== undefined) {
      const left = (byClient.get(state.client) ?? 1) - 1;
      if (left > 0) byClient.set(state.client, left);
      else byClient.delete(state.client);
    }
  };

  /** Closes the longest-idle connections (of `client` alone, when given) until `full` is false. */
  const makeRoom = (full: () => boolean, client?: string) => {
    for (const [socket, state] of sockets) {
      if (!full()) return;
      if (state.inFlight > 0 || (client !== undefined && state.client !== client)) continue;
      drop(socket, state);
      socket.destroy();
    }
  };

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    const client = perClient && address && !exempt(address) ? clientKey(address) : undefined;
    if (client !== undefined) {
      const clientFull = () => (byClient.get(client) ?? 0) >= perClient!.max;
      if (clientFull()) makeRoom(clientFull, client);
      if (clientFull()) {
        socket.destroy();
        return;
      }
    }
    const full = () => sockets.size >= max;
    if (full()) makeRoom(full);
    if (full()) {
      socket.destroy();
      return;
    }
    const state: SocketState = { inFlight: 0, client };
    sockets.set(socket, state);
    if (client !== undefined) byClient.set(client, (byClient.get(client) ?? 0) + 1);
    socket.once('close', () => drop(socket, state));
  });

  server.on('request', (request, response) => {
    const socket = request.socket;
    const state = sockets.get(socket);
    if (!state) return;
    state.inFlight++;
    response.once('close', () => {
      state.inFlight--;
      if (!sockets.has(socket)) return;
      sockets.delete(socket);
      sockets.set(socket, state);
    });
  });

  return { open: () => sockets.size };
}

/**
 * The peers the per-client cap leaves alone: loopback (a proxy on this host), or, when the config
 * trusts a proxy (`readers.trustProxy`), every peer: a proxy on another address would otherwise get
 * one client's share for the whole site.
 */
export function clientCapExemption(trustProxy: boolean): (address: string) => boolean {
  return trustProxy ? () => true : isLoopback;
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** An IPv4 address as it is; an IPv6 address by its first four groups (its /64). */
function clientKey(address: string): string {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4;
  const [head = '', tail = ''] = address.split('::');
  const groups = head ? head.split(':') : [];
  // "2001:db8::1" leaves out zero groups: fill them back so every spelling of a /64 is one key.
  const missing = 8 - groups.length - (tail ? tail.split(':').length : 0);
  const full = address.includes('::') ? [...groups, ...Array(Math.max(0, missing)).fill('0')] : groups;
  return full
    .slice(0, 4)
    .map((group) => (group || '0').replace(/^0+(?=.)/, '').toLowerCase())
    .join(':');
}
