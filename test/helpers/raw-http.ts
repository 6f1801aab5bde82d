import { connect, type Socket } from 'node:net';

/** A request written on a raw connection to 127.0.0.1, and what came back on it. */
export interface Exchange {
  received: () => string;
  closed: Promise<void>;
  isClosed: () => boolean;
}

/** Sends `text` on a fresh connection and keeps what comes back; `then` gets the socket once it is written. */
export function exchange(port: number, text: string, then?: (socket: Socket) => void): Exchange {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  let done = false;
  socket.on('data', (chunk) => {
    data += chunk;
  });
  socket.on('error', () => {});
  socket.write(text, () => then?.(socket));
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      done = true;
      resolve();
    }),
  );
  return { received: () => data, closed, isClosed: () => done };
}

/** Polls `done` for up to 20 s: a bound for a loaded machine, the assertion after it decides. */
export async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 800 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}
