import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { loopbackSmtpUrl } from '../helpers/smtp.js';

/**
 * An SMTP server written by hand on 127.0.0.1, for behaviour `smtp-server` cannot be made to show:
 * replies split or coalesced across packets, replies out of the ordinary, connections cut at exact
 * points. Each hook may answer in its own words; the defaults answer as a plain server does.
 */

export interface RawSession {
  /** 1-based number of the connection. */
  connection: number;
  /** Messages this connection has finished (final dot read). */
  messages: number;
  from: string;
  to: string[];
  socket: Socket;
  /** Writes a reply as it is given (add the CRLF yourself). */
  write(text: string): void;
}

/**
 * What a hook answers: a reply to write, `null` for no reply at all, `'drop'` to cut the connection,
 * `{ hangUp }` to write a reply and close the connection in the same breath.
 */
export type RawAnswer = string | null | 'drop' | { hangUp: string } | undefined;

export interface RawServerOptions {
  /** The greeting line(s), with CRLF; null: never greet. Default "220 raw.test ESMTP\r\n". */
  greeting?: (session: RawSession) => RawAnswer;
  /** The EHLO reply; default advertises PIPELINING, 8BITMIME, SMTPUTF8, SIZE. */
  ehlo?: (session: RawSession) => RawAnswer;
  /** Any other command, before the defaults: return undefined to let them answer. */
  command?: (line: string, session: RawSession) => RawAnswer;
  /** The reply to the final dot of a message (called once it is read and kept). Default 250. */
  dataEnd?: (session: RawSession, message: RawMessage) => RawAnswer;
  /** Splits each reply into writes of this many bytes, each in a packet of its own. */
  splitBytes?: number;
  /**
   * Reads only the first command of each packet and discards the rest, as a server that does not
   * read ahead does with pipelined commands (whether or not its EHLO offers PIPELINING).
   */
  firstCommandOfPacket?: boolean;
}

export interface RawMessage {
  connection: number;
  from: string;
  to: string[];
  raw: string;
  /** Whether the server's reply to the dot said 2xx. */
  accepted: boolean;
}

export interface RawServer {
  port: number;
  url(credentials?: { user: string; pass: string }): string;
  /** Every message whose final dot arrived, with whether the server took it. */
  messages: RawMessage[];
  parsed(): Promise<(RawMessage & { parsed: ParsedMail })[]>;
  commands: string[];
  connections(): number;
  /** Resolves once no connection is open. */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_EHLO = '250-raw.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n';

export async function startRawServer(options: RawServerOptions = {}): Promise<RawServer> {
  const messages: RawMessage[] = [];
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const session: RawSession = {
      connection: ++count,
      messages: 0,
      from: '',
      to: [],
      socket,
      write: splitWriter(socket, options.splitBytes),
    };
    const answer = (reply: RawAnswer) => {
      if (reply === 'drop') socket.destroy();
      else if (typeof reply === 'string') session.write(reply);
      else if (reply) socket.end(reply.hangUp, 'latin1');
    };
    const greeting = options.greeting ? options.greeting(session) : '220 raw.test ESMTP\r\n';
    answer(greeting === undefined ? '220 raw.test ESMTP\r\n' : greeting);
    let buffer = '';
    let data: string[] | undefined;
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let commandsOfPacket = 0;
      for (;;) {
        if (socket.destroyed) return;
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line !== '.') {
            data.push(line.startsWith('.') ? line.slice(1) : line);
            continue;
          }
          const message: RawMessage = {
            connection: session.connection,
            from: session.from,
            to: session.to,
            raw: Buffer.from(`${data.join('\r\n')}\r\n`, 'latin1').toString('utf8'),
            accepted: false,
          };
          data = undefined;
          session.messages++;
          const reply = options.dataEnd ? options.dataEnd(session, message) : undefined;
          const said = reply === undefined ? '250 2.0.0 queued\r\n' : reply;
          message.accepted = (typeof said === 'string' ? said : (said?.hangUp ?? '')).startsWith('2');
          messages.push(message);
          session.from = '';
          session.to = [];
          answer(said);
          continue;
        }
        if (options.firstCommandOfPacket && ++commandsOfPacket > 1) continue;
        commands.push(line);
        const own = options.command?.(line, session);
        if (own !== undefined) {
          if (/^DATA$/i.test(line) && typeof own === 'string' && own.startsWith('354')) data = [];
          answer(own);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          const ehlo = options.ehlo ? options.ehlo(session) : undefined;
          answer(ehlo === undefined ? DEFAULT_EHLO : ehlo);
        } else if (verb === 'HELO') answer('250 raw.test\r\n');
        else if (verb === 'MAIL') {
          session.from = line.replace(/^MAIL FROM:<([^>]*)>.*$/i, '$1');
          answer('250 2.1.0 ok\r\n');
        } else if (verb === 'RCPT') {
          session.to.push(line.replace(/^RCPT TO:<([^>]*)>.*$/i, '$1'));
          answer('250 2.1.5 ok\r\n');
        } else if (verb === 'DATA') {
          // As Postfix does: DATA after every recipient was refused is refused too.
          if (session.to.length === 0) {
            answer('554 5.5.1 Error: no valid recipients\r\n');
            continue;
          }
          data = [];
          answer('354 go ahead\r\n');
        } else if (verb === 'RSET') {
          session.from = '';
          session.to = [];
          answer('250 2.0.0 reset\r\n');
        } else if (verb === 'NOOP') answer('250 2.0.0 ok\r\n');
        else if (verb === 'QUIT') {
          socket.end('221 2.0.0 bye\r\n');
          return;
        } else answer('502 5.5.2 not implemented\r\n');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (credentials) => loopbackSmtpUrl(port, credentials),
    messages,
    parsed: () => Promise.all(messages.map(async (m) => ({ ...m, parsed: await simpleParser(m.raw) }))),
    commands,
    connections: () => count,
    allClosed: async () => {
      while (sockets.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes replies in order; with `splitBytes`, a few bytes at a time, each in a packet of its own. */
function splitWriter(socket: Socket, splitBytes: number | undefined): (text: string) => void {
  let queue: Buffer = Buffer.alloc(0);
  let running = false;
  const pump = () => {
    if (socket.destroyed || queue.length === 0) {
      running = false;
      return;
    }
    socket.write(queue.subarray(0, splitBytes));
    queue = queue.subarray(splitBytes);
    setTimeout(pump, 2);
  };
  return (text) => {
    if (socket.destroyed) return;
    if (!splitBytes) {
      socket.write(text, 'latin1');
      return;
    }
    queue = Buffer.concat([queue, Buffer.from(text, 'latin1')]);
    if (!running) {
      running = true;
      pump();
    }
  };
}
