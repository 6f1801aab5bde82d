import { createPrivateKey, createSign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Environment } from '../config/env.js';
import { RolecastError } from '../errors.js';

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export async function readDkim(env: Environment): Promise<DkimSettings | undefined> {
  if (!env.dkim) return undefined;
  if ('missing' in env.dkim) throw partialDkimError(env.dkim.missing);
  let privateKey: string;
  try {
    privateKey = await readFile(env.dkim.keyFile, 'utf8');
  } catch (cause) {
    throw new RolecastError('E_NOT_FOUND', `the DKIM key file ${env.dkim.keyFile} could not be read`, {
      hint: 'check ROLECAST_DKIM_KEY_FILE, or unset it to send without DKIM signing',
      cause,
    });
  }
  // Checked once here, not at every message: a key that cannot sign would fail each reader as if
  // the server had refused them, and be recorded as their permanent failure.
  checkDkimKey(privateKey, env.dkim.keyFile);
  return { domainName: env.dkim.domain, keySelector: env.dkim.selector, privateKey };
}

function partialDkimError(missing: readonly string[]): RolecastError {
  return new RolecastError(
    'E_USAGE',
    `DKIM is only partly set up: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`,
    {
      hint: 'set ROLECAST_DKIM_KEY_FILE, ROLECAST_DKIM_DOMAIN and ROLECAST_DKIM_SELECTOR to sign with DKIM, or none of them to send unsigned; nothing was sent',
    },
  );
}

/**
 * Signatures say a=rsa-sha256: Node signs with an EC key just as well (ECDSA), and every
 * signature would then fail to verify, so a key of any other type is refused, not only one that
 * cannot sign.
 */
function checkDkimKey(privateKey: string, keyFile: string): void {
  let type: string | undefined;
  let bits: number | undefined;
  try {
    const key = createPrivateKey(privateKey);
    type = key.asymmetricKeyType;
    bits = key.asymmetricKeyDetails?.modulusLength;
    createSign('RSA-SHA256').update('rolecast dkim key check').sign(privateKey);
  } catch (cause) {
    throw new RolecastError('E_USAGE', `the DKIM key in ${keyFile} cannot sign (RSA-SHA256)`, {
      hint: DKIM_KEY_HINT,
      cause,
    });
  }
  if (type !== 'rsa')
    throw new RolecastError(
      'E_USAGE',
      `the DKIM key in ${keyFile} cannot sign rsa-sha256: it is a key of type ${type ?? 'unknown'}, and an RSA key is needed`,
      { hint: DKIM_KEY_HINT },
    );
  // RFC 8301: verifiers must not accept signatures of RSA keys under 1024 bits, which anyone can
  // factor: every message would fail DKIM (Gmail reports "weak-key").
  if (bits !== undefined && bits < MIN_DKIM_BITS)
    throw new RolecastError(
      'E_USAGE',
      `the DKIM key in ${keyFile} is ${bits} bits: verifiers reject RSA keys under ${MIN_DKIM_BITS} bits (RFC 8301)`,
      { hint: DKIM_KEY_HINT },
    );
}

const MIN_DKIM_BITS = 1024;

const DKIM_KEY_HINT =
  'give a PEM RSA private key (openssl genrsa -out dkim.pem 2048), or unset ROLECAST_DKIM_KEY_FILE to send without DKIM; nothing was sent';
