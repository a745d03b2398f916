import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig, secretsOf } from '../src/config.ts';

const base = { TELEGRAM_BOT_TOKEN: '123456:AAE-secret_token', TELEGRAM_CHAT_ID: '1001' };

function errorLines(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).lines;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config.telegram).toEqual({ token: base.TELEGRAM_BOT_TOKEN, chatId: 1001, apiRoot: 'https://api.telegram.org' });
    expect(config.dataDir).toBe('./data');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.ai.apiKey).toBeUndefined();
    expect(config.ai.baseUrl).toBe('https://openrouter.ai/api/v1');
    expect(config.garmin).toBeUndefined();
    expect(config.health.port).toBe(8080);
    expect(config.webhook).toBeUndefined();
  });

  it('treats empty values as unset (a blank line in .env is not a value)', () => {
    const config = loadConfig({ ...base, TELEGRAM_CHAT_ID: '', DATABASE_URL: ' ', OPENROUTER_API_KEY: '' });
    expect(config.telegram.chatId).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
    expect(config.ai.apiKey).toBeUndefined();
  });

  it('accepts negative group chat ids and strips a trailing slash from the API root', () => {
    const config = loadConfig({ ...base, TELEGRAM_CHAT_ID: '-1001234', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' });
    expect(config.telegram.chatId).toBe(-1001234);
    expect(config.telegram.apiRoot).toBe('http://127.0.0.1:8081');
  });

  it.each([
    [{}, 'TELEGRAM_BOT_TOKEN', 'BotFather'],
    [{ TELEGRAM_BOT_TOKEN: 'not-a-token' }, 'TELEGRAM_BOT_TOKEN', 'BotFather'],
    [{ ...base, TELEGRAM_CHAT_ID: 'me' }, 'TELEGRAM_CHAT_ID', '/start'],
    [{ ...base, DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'postgres://'],
    [{ ...base, HEALTH_PORT: '70000' }, 'HEALTH_PORT', 'port'],
    [{ ...base, TZ: 'Mars/Olympus' }, 'TZ', 'IANA'],
    [{ ...base, GARMIN_USERNAME: 'me@example.com' }, 'GARMIN_PASSWORD', 'both'],
    [{ ...base, INTERVALS_API_KEY: 'k' }, 'INTERVALS_ATHLETE_ID', 'both'],
    [{ ...base, WEBHOOK_URL: 'not a url' }, 'WEBHOOK_URL', 'URL'],
    [{ ...base, SYNC_CRON: 'hourly' }, 'SYNC_CRON', 'cron'],
    [{ ...base, SYNC_CRON: '99 * * * *' }, 'SYNC_CRON', 'cron'],
    [{ ...base, SYNC_BACKFILL_DAYS: '0' }, 'SYNC_BACKFILL_DAYS', 'at least 1 day'],
    [{ ...base, SYNC_BACKFILL_DAYS: 'six weeks' }, 'SYNC_BACKFILL_DAYS', 'number of days'],
    [{ ...base, SYNC_TIMEOUT_S: '-3' }, 'SYNC_TIMEOUT_S', 'above 0'],
    [{ ...base, GARMIN_API_URL: 'http://127.0.0.1:9000/proxy' }, 'GARMIN_API_URL', 'origin without a path'],
    [{ ...base, INTERVALS_API_URL: 'intervals.icu' }, 'INTERVALS_API_URL', 'origin'],
  ])('a bad value gives one line naming the variable and the fix (%#)', (env, variable, hint) => {
    const lines = errorLines(env as Record<string, string>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Configuration error: ${variable} `));
    expect(lines[0]).toContain(hint);
    expect(lines[0]).not.toContain('\n');
  });

  it('sync settings: the real services by default, origins for a proxy or a double', () => {
    expect(loadConfig(base)).toMatchObject({
      sourceUrls: { garminApi: 'https://connectapi.garmin.com', garminSso: 'https://sso.garmin.com', intervals: 'https://intervals.icu' },
      sync: { cron: '17 */4 * * *', backfillDays: 42, timeoutMs: 30_000 },
    });
    const config = loadConfig({ ...base, GARMIN_API_URL: 'http://127.0.0.1:9000/', SYNC_BACKFILL_DAYS: '365', SYNC_CRON: '0 6 * * *' });
    expect(config.sourceUrls.garminApi).toBe('http://127.0.0.1:9000');
    expect(config.sync).toMatchObject({ cron: '0 6 * * *', backfillDays: 365 });
  });

  it('lists every secret, including the token part after the colon and a database password', () => {
    const config = loadConfig({
      ...base,
      OPENROUTER_API_KEY: 'sk-or-v1-abcdef',
      GARMIN_USERNAME: 'rider@example.com',
      GARMIN_PASSWORD: 'hunter2!x',
      DATABASE_URL: 'postgres://coach:p%40ss%20word@db:5432/coach',
    });
    const secrets = secretsOf(config);
    expect(secrets).toEqual(
      expect.arrayContaining(['123456:AAE-secret_token', 'AAE-secret_token', 'sk-or-v1-abcdef', 'hunter2!x', 'p@ss word', 'p%40ss%20word']),
    );
    expect(secrets).not.toContain('rider@example.com');
  });
});

describe('documentation of the environment', () => {
  it('.env.example and the README list every variable the schema reads', async () => {
    const { readFile } = await import('node:fs/promises');
    const example = await readFile(new URL('../.env.example', import.meta.url), 'utf8');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(15);
    for (const name of CONFIG_VARIABLES) {
      expect(example, name).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
      expect(readme, name).toContain(`\`${name}\``);
    }
  });
});
