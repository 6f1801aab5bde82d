import { RolecastError } from './errors.js';

/** `localhost`, `127.x.x.x` or `::1` (bracketed or not): addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** An empty host listens on every interface (as `--host "$UNSET"` gives): refused, never widened. */
export function refuseEmptyHost(host: string): void {
  if (host.trim() === '')
    throw new RolecastError('E_USAGE', '--host is empty', {
      hint: 'leave --host out to listen on 127.0.0.1 only, or name the address to listen on',
    });
}
