import { RolecastError } from '../errors.js';

/**
 * Errors from the operating system that are about the paths, ports and hosts a user gave: a folder
 * where a file belongs, a missing parent, no permission, a port in use or out of range, an unknown
 * host, a file that is not a rolecast database. They are input errors (exit 2) with a plain
 * message, never "this is a bug" with a stack. Commands throw RolecastError for the cases they
 * know; this is the net for the rest.
 */

interface SystemError {
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
  dest?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  message?: unknown;
}

const PATH_REASONS: Record<string, (path: string) => string> = {
  ENOENT: (path) => `${path} does not exist (or a folder on its way is missing)`,
  ENOTDIR: (path) => `a part of ${path} is a file where a folder is needed`,
  EISDIR: (path) => `${path} is a folder where a file is needed`,
  EEXIST: (path) => `${path} already exists and is not a folder`,
  EACCES: (path) => `permission denied for ${path}`,
  EPERM: (path) => `the operation is not permitted on ${path}`,
  EROFS: (path) => `${path} is on a read-only file system`,
  ENAMETOOLONG: (path) => `the path ${path} is too long`,
  ELOOP: (path) => `${path} has too many levels of symbolic links`,
  ENOSPC: (path) => `no space left on the device for ${path}`,
  EDQUOT: (path) => `the disk quota is exhausted writing ${path}`,
  ENOTEMPTY: (path) => `${path} is a folder that is not empty`,
  EMFILE: (path) => `too many open files while opening ${path}`,
};

const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EADDRNOTAVAIL: 'the address is not one of this machine’s',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EAFNOSUPPORT: 'the address family is not supported',
};

/** The input error an operating-system error stands for, or undefined when it is not one. */
export function inputErrorFrom(error: unknown): RolecastError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SystemError;
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'ERR_SOCKET_BAD_PORT') {
    return usage(
      `the port is out of range: ${String(e.message ?? '')}`,
      'use a port from 1 to 65535 (0 picks a free one)',
    );
  }
  if (e.syscall === 'listen' && code in LISTEN_REASONS) {
    const where = `${String(e.address ?? '')}:${String(e.port ?? '')}`;
    return usage(`cannot listen on ${where}: ${LISTEN_REASONS[code]}`, 'choose another --port or --host');
  }
  if (e.syscall === 'getaddrinfo' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return usage(`the host ${String(e.hostname ?? '')} could not be resolved`, 'check the --host value');
  }
  if (typeof e.path === 'string' && code in PATH_REASONS) {
    const reason = PATH_REASONS[code]!(e.path);
    return usage(
      `${reason} (${String(e.syscall ?? 'file access')})`,
      'check the paths given on the command line and in the config',
    );
  }
  if (code.startsWith('SQLITE_') && SQLITE_INPUT.some((prefix) => code.startsWith(prefix))) {
    return usage(
      `a state file could not be used: ${String(e.message ?? code)}`,
      'check the --state path (or stateDir in the config): it must be a rolecast state file, readable and writable',
    );
  }
  return undefined;
}

/** SQLite result codes that mean the file, not the program, is the problem. */
const SQLITE_INPUT = [
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_FULL',
  'SQLITE_PERM',
];

function usage(message: string, hint: string): RolecastError {
  return new RolecastError('E_INVALID', message, { hint });
}
