import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A cap on open connections that makes room instead of refusing: at the cap, the connections that
 * have been idle longest (no request in flight — including clients still trickling their headers)
 * are closed for the newcomer. Node's own `server.maxConnections` drops the newcomer instead, so a
 * few hundred idle sockets would lock out a mail provider's POST and the health check alike. Only
 * when every connection is serving a request is the new one closed; those end within the
 * request timeout.
 */

export interface ConnectionCap {
  /** Connections open now. */
  open(): number;
}

export function capConnections(server: Server, max: number): ConnectionCap {
  // Map order is least recently active first: a connection moves to the end when a request ends.
  const sockets = new Map<Socket, { inFlight: number }>();

  const makeRoom = () => {
    for (const [socket, state] of sockets) {
      if (sockets.size < max) return;
      if (state.inFlight > 0) continue;
      sockets.delete(socket);
      socket.destroy();
    }
  };

  server.on('connection', (socket: Socket) => {
    if (sockets.size >= max) makeRoom();
    if (sockets.size >= max) {
      socket.destroy();
      return;
    }
    sockets.set(socket, { inFlight: 0 });
    socket.once('close', () => sockets.delete(socket));
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
