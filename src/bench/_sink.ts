import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A loopback SMTP sink for the send benchmark: accepts every message and throws it away. Run as
 * its own process so its CPU time is not taken from the sender being measured. Prints its port.
 */
const server = new SMTPServer({
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  size: 50 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('end', () => callback(null, 'OK'));
    stream.resume();
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
