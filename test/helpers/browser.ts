import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Launches the Debian chromium headless. There is no skip: without chromium the test fails with
 * a message that says how to install it, in CI and locally alike.
 */
export async function launchBrowser(
  extraArgs: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    const where = process.env.CI === 'true' ? 'CI must install it' : 'install it';
    throw new Error(
      `chromium not found at ${CHROMIUM_PATH}: the preview browser tests need it (${where}: apt-get install -y chromium)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    env: { ...process.env, ...env },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
