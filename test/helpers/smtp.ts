import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1, port 0, for send tests. It keeps every accepted message (raw
 * and parsed with mailparser) and can misbehave on cue: 4xx on the Nth RCPT or DATA, 5xx for given
 * addresses, a refused sender account, a connection dropped in the middle of DATA or left without a
 * reply, a login requirement.
 */
export interface SmtpFaults {
  /** 1-based RCPT TO numbers answered with 451 (temporary). */
  tempFailRcpt?: number[];
  /** 1-based DATA numbers answered with 451 after the message was read. */
  tempFailData?: number[];
  /** Addresses answered with `550 5.1.1 <address>: No such user here` at RCPT TO (permanent). */
  rejectAddresses?: string[];
  /** Every MAIL FROM after the first `after` answered with this reply, e.g. 554 "Sender account suspended". */
  mailFromReply?: { after: number; code: number; message: string };
  /** Messages a session may carry; the next MAIL FROM in it gets 452 4.5.3 and the connection stays open. */
  messagesPerSession?: number;
  /** 1-based DATA numbers the server reads and then never answers (a stalled server). */
  stallOnData?: number[];
  /** 1-based RCPT TO numbers the server never answers: the message was not taken. */
  stallOnRcpt?: number[];
  /** RCPT TO number n (1-based) is answered once the promise this returns for it settles; undefined: at once. */
  holdRcpt?: (rcpt: number, to: string) => Promise<void> | undefined;
  /** 1-based DATA numbers the server takes at once but answers only `ms` later. */
  lateReplyOnData?: { numbers: number[]; ms: number };
  /** 1-based DATA numbers during which the socket is destroyed. */
  dropOnData?: number[];
  /** 1-based DATA numbers the server reads whole and keeps, then drops the connection without a reply. */
  dropAfterData?: number[];
  /** Delay before accepting each message, to keep messages in flight for a while. */
  dataDelayMs?: number;
  /** Every DATA reply waits until this settles: keeps a send in flight for exactly as long as a test needs. */
  holdData?: Promise<void>;
  /** 1-based RCPT TO numbers answered with the given reply code, e.g. 452 (too many recipients). */
  rcptReplies?: Record<number, number>;
  /** 1-based DATA numbers answered with the given code (or reply) once read; a 421 also closes the connection. */
  dataReplies?: Record<number, number | { code: number; message: string }>;
  /** 1-based DATA number during which the whole server goes away: listener closed, every socket destroyed. */
  vanishOnData?: number;
  /** The first `count` DATA commands answered with a provider's throttling reply, e.g. 451 "4.7.1 rate limit". */
  throttleData?: { count: number; code: number; message: string };
  /**
   * Every login after the first `after` (default 0) refused with 535 and the text `reply` makes of
   * the credentials given, as a server that quotes them does. Needs `auth`, which offers AUTH.
   */
  refuseLogin?: { after?: number; reply: (user: string, pass: string) => string };
  /** Each login is answered once the promise this returns settles: a connection held while it logs in. */
  holdLogin?: () => Promise<void>;
  /** Connection n (1-based) is greeted once the promise this returns for it settles; undefined: at once. */
  holdGreeting?: (connection: number) => Promise<void> | undefined;
}

export interface ReceivedMessage {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  /** `smtp://…@127.0.0.1:port`, with the given credentials when present. */
  url(credentials?: { user: string; pass: string }): string;
  /** Every message accepted so far, parsed. */
  messages(): Promise<ReceivedMessage[]>;
  readonly counts: {
    mailFrom: number;
    rcpt: number;
    data: number;
    accepted: number;
    authFailures: number;
    connections: number;
  };
  close(): Promise<void>;
}

export interface SmtpServerOptions {
  /** A port this harness had before, to bring a vanished server back where it was; default a free one. */
  port?: number;
  auth?: { user: string; pass: string };
  faults?: SmtpFaults;
  /** Discard messages instead of keeping them (benchmark sink). */
  discard?: boolean;
  /** The SIZE the EHLO reply announces (RFC 1870), 10 MB by default. */
  size?: number;
  /** false: leave SMTPUTF8 out of the EHLO reply, as a server without RFC 6531 support does. */
  smtpUtf8?: boolean;
  /** false: leave 8BITMIME (and PIPELINING) out of the EHLO reply, as a minimal server does. */
  eightBitMime?: boolean;
  /** Told when a message's DATA starts and when its end of data (the final ".") arrives, with its recipients. */
  onDataStart?: (to: string[]) => void;
  onDataEnd?: (to: string[]) => void;
  /** Told right after a message's 250 is written, with its recipients and how many were accepted so far. */
  onAccepted?: (to: string[], accepted: number) => void;
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const faults = options.faults ?? {};
  const counts = { mailFrom: 0, rcpt: 0, data: 0, accepted: 0, authFailures: 0, connections: 0 };
  const received: Promise<ReceivedMessage>[] = [];
  let logins = 0;
  const rejected = new Set((faults.rejectAddresses ?? []).map((a) => a.toLowerCase()));

  const server: SMTPServer = new SMTPServer({
    disableReverseLookup: true,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    size: options.size ?? 10 * 1024 * 1024,
    hideSMTPUTF8: options.smtpUtf8 === false,
    ...(options.eightBitMime === false ? { hide8BITMIME: true, hidePIPELINING: true } : {}),
    onConnect(_session, callback) {
      counts.connections++;
      const held = faults.holdGreeting?.(counts.connections);
      if (held) {
        void held.then(() => callback());
        return;
      }
      callback();
    },
    onAuth(auth, _session, callback) {
      const refusal = faults.refuseLogin;
      if (refusal && logins >= (refusal.after ?? 0)) {
        counts.authFailures++;
        return callback(smtpError(535, refusal.reply(auth.username ?? '', auth.password ?? '')));
      }
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        logins++;
        const held = faults.holdLogin?.();
        if (held) void held.then(() => callback(null, { user: auth.username }));
        else callback(null, { user: auth.username });
        return;
      }
      counts.authFailures++;
      callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onMailFrom(_address, session, callback) {
      counts.mailFrom++;
      // A per-session cap answered with a temporary refusal, the connection kept open.
      if (faults.messagesPerSession !== undefined && session.transaction > faults.messagesPerSession)
        return callback(smtpError(452, '4.5.3 Too many messages in this session'));
      const refusal = faults.mailFromReply;
      if (refusal && counts.mailFrom > refusal.after) return callback(smtpError(refusal.code, refusal.message));
      callback();
    },
    onRcptTo(address, _session, callback) {
      counts.rcpt++;
      if (faults.stallOnRcpt?.includes(counts.rcpt)) return;
      const held = faults.holdRcpt?.(counts.rcpt, address.address);
      if (held) {
        void held.then(() => callback());
        return;
      }
      if (faults.tempFailRcpt?.includes(counts.rcpt)) return callback(smtpError(451, 'Try again later'));
      const reply = faults.rcptReplies?.[counts.rcpt];
      if (reply) return callback(smtpError(reply, `Reply ${reply} on cue`));
      if (rejected.has(address.address.toLowerCase()))
        return callback(smtpError(550, `5.1.1 <${address.address}>: No such user here`));
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      counts.data++;
      const number = counts.data;
      const to = session.envelope.rcptTo.map((r) => r.address);
      options.onDataStart?.(to);
      if (faults.dropOnData?.includes(number)) {
        stream.once('data', () => dropConnection(server, session));
        stream.resume();
        return;
      }
      if (faults.stallOnData?.includes(number)) {
        stream.resume();
        return;
      }
      if (faults.vanishOnData === number) {
        stream.once('data', () => void shutdown());
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!options.discard) chunks.push(chunk);
      });
      stream.on('end', () => {
        options.onDataEnd?.(to);
        const finish = () => {
          if (faults.tempFailData?.includes(number)) return callback(smtpError(451, 'Temporary local problem'));
          const throttle = faults.throttleData;
          if (throttle && number <= throttle.count) return callback(smtpError(throttle.code, throttle.message));
          const reply = faults.dataReplies?.[number];
          if (typeof reply === 'number') return callback(smtpError(reply, `Reply ${reply} on cue`));
          if (reply) return callback(smtpError(reply.code, reply.message));
          counts.accepted++;
          if (!options.discard) {
            const raw = Buffer.concat(chunks).toString('utf8');
            const envelope = {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            };
            received.push(simpleParser(raw).then((parsed) => ({ envelope, raw, parsed })));
          }
          // Taken, and the connection lost before the reply went out: the client cannot tell.
          if (faults.dropAfterData?.includes(number)) return dropConnection(server, session);
          const late = faults.lateReplyOnData;
          if (late?.numbers.includes(number)) setTimeout(() => callback(null, 'Message queued'), late.ms);
          else callback(null, 'Message queued');
          options.onAccepted?.(to, counts.accepted);
        };
        const delayed = () => (faults.dataDelayMs ? setTimeout(finish, faults.dataDelayMs) : finish());
        if (faults.holdData) void faults.holdData.then(delayed);
        else delayed();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const port = (server.server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  // Open pooled client connections would otherwise hold close() for its 30 s grace period.
  const shutdown = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const connection of connectionsOf(server)) connection._socket?.destroy();
      server.close(() => resolve());
    });
    return closing;
  };

  return {
    port,
    url: (credentials) => loopbackSmtpUrl(port, credentials),
    messages: () => Promise.all(received),
    counts,
    close: shutdown,
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

interface ConnectionInternals {
  session?: { id?: string };
  _socket?: { destroy(): void };
}

function connectionsOf(server: SMTPServer): ConnectionInternals[] {
  return [...((server as unknown as { connections?: Set<ConnectionInternals> }).connections ?? [])];
}

function dropConnection(server: SMTPServer, session: SMTPServerSession): void {
  for (const connection of connectionsOf(server)) {
    if (connection.session?.id === session.id) connection._socket?.destroy();
  }
}

/** `smtp://…@127.0.0.1:port`, with the credentials percent-encoded when given. */
export function loopbackSmtpUrl(port: number, credentials?: { user: string; pass: string }): string {
  return credentials
    ? `smtp://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@127.0.0.1:${port}`
    : `smtp://127.0.0.1:${port}`;
}
