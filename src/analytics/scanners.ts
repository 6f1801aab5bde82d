/**
 * Link scanners follow every link of a message to check it, usually within seconds of delivery:
 * security gateways (Microsoft Safe Links, Mimecast, Proofpoint, Barracuda…), link previews and
 * scripts. A user agent matching this list never counts as a click; nor does an empty one.
 */
const SCANNER_AGENTS = [
  // Not the phone maker Cubot, whose Android phones name themselves "CUBOT P50" in every browser.
  '(?<!cu)bot\\b',
  'bot/',
  'spider',
  'crawler',
  'preview',
  'scanner',
  'safelinks',
  'safe links',
  'microsoft office protection',
  'mimecast',
  'proofpoint',
  'urldefense',
  'barracuda',
  'symantec',
  'messagelabs',
  'forcepoint',
  'trend micro',
  'sophos',
  'ironport',
  'zscaler',
  'fortinet',
  'fortiguard',
  'checkpoint',
  'appriver',
  'trustwave',
  'headlesschrome',
  'phantomjs',
  'python-requests',
  'python-urllib',
  'python-httpx',
  'httpx/',
  'java-http-client',
  'apache-httpclient',
  'jakarta',
  'guzzlehttp',
  'ruby',
  'faraday',
  'rest-client',
  'dart:io',
  'reqwest',
  'linkchecker',
  'checklink',
  'link ?check',
  'validator',
  'aiohttp',
  'go-http-client',
  'okhttp',
  'java/',
  'libwww-perl',
  'curl/',
  'wget/',
  'httpclient',
  'axios/',
  'node-fetch',
  'undici',
  'facebookexternalhit',
  'slackbot',
  'whatsapp',
  'skypeuripreview',
  'googleimageproxy',
];

const PATTERN = new RegExp(SCANNER_AGENTS.join('|'), 'i');

/**
 * Bare names HTTP libraries send on their own (Node's fetch sends `node`, Deno `Deno/1.40`): a
 * browser's user agent is never one word without a version comment.
 */
const BARE_LIBRARY = /^(?:node|deno|bun|ruby|perl|php|python|java|dart|go|rust)(?:\/[\w.-]*)?$/i;

export function isScannerAgent(userAgent: string | undefined): boolean {
  const agent = userAgent?.trim() ?? '';
  return agent === '' || PATTERN.test(agent) || BARE_LIBRARY.test(agent);
}
