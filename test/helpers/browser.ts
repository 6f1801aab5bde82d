import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

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

/**
 * The page's script errors and console errors, gathered as they happen: a page that works throws
 * none. `expected` leaves out console lines the test brings about on purpose (a 503 it asked for).
 */
export function watchScriptErrors(page: Page, expected?: (consoleLine: string) => boolean): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected?.(message.text())) errors.push(message.text());
  });
  return errors;
}

/**
 * One browser for the test file: launched before its first test, closed after its last. Call at
 * the top level of the file; the getter gives the browser inside tests.
 */
export function browserPerFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is launched in beforeAll: use it inside a test');
    return browser;
  };
}
