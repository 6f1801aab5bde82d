import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { redactDatabaseUrl } from '../../src/db/postgres.js';

describe('database URLs never show a password', () => {
  it.each([
    ['postgres://app:hunter2@db.example/rolecast', 'postgres://app:***@db.example/rolecast'],
    ['postgres://app@db.example/rolecast?password=hunter2', 'postgres://app@db.example/rolecast?password=***'],
    [
      'postgresql://app@db.example/r?sslmode=require&sslpassword=hunter2&application_name=x',
      'postgresql://app@db.example/r?sslmode=require&sslpassword=***&application_name=x',
    ],
    ['not a url hunter2', 'postgres://***'],
  ])('%s', (url, shown) => {
    expect(redactDatabaseUrl(url)).toBe(shown);
    expect(redactDatabaseUrl(url)).not.toContain('hunter2');
  });

  it('refuses a password in the config file, in the address or its query', () => {
    const parse = (url: string) => ConfigSchema.shape.database.safeParse({ url });
    expect(parse('postgres://app@db.example/rolecast').success).toBe(true);
    for (const url of [
      'postgres://app:hunter2@db.example/rolecast',
      'postgres://app@db.example/rolecast?password=hunter2',
      'postgres://app@db.example/rolecast?sslmode=require&PassWord=hunter2',
    ]) {
      const result = parse(url);
      expect(result.success, url).toBe(false);
      expect(JSON.stringify(result.error?.issues)).toContain('must not hold a password');
    }
  });
});
