import { describe, expect, it } from 'vitest';
import { isScannerAgent } from '../../src/analytics/scanners.js';

/** A reader's phone is never a link scanner because its maker's name ends in "bot". */
describe('user agents of phones', () => {
  it.each([
    'Mozilla/5.0 (Linux; Android 11; CUBOT P50 Build/RP1A.200720.011) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 12; CUBOT KINGKONG 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  ])('%s counts as a reader', (agent) => {
    expect(isScannerAgent(agent)).toBe(false);
  });

  it.each([
    'TelegramBot (like TwitterBot)',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; YandexBot/3.0)',
    'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  ])('%s is still a bot', (agent) => {
    expect(isScannerAgent(agent)).toBe(true);
  });
});
