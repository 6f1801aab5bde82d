import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A self-signed certificate for `commonName`, made by openssl in `dir` (key.pem, cert.pem), as PEM text. */
export function selfSignedCertificate(dir: string, commonName: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/** Webhook secrets that trust the one SNS topic and no other provider. */
export function snsTopicOnly(topicArn: string) {
  return {
    snsTopicArns: [topicArn],
    postmarkAuth: undefined,
    sendgridPublicKey: undefined,
    mailgunSigningKey: undefined,
  };
}
