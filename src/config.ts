import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { isTimeZone } from './domain/time-zone.ts';

/**
 * The only place that reads the environment. One schema; a bad value stops
 * start-up with one line per variable that names it and says how to fix it.
 */

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const hostTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';


/** An origin without a path (a proxy or a test double may stand in for the real service). */
const origin = (fallback: string) =>
  z
    .url({ error: `must be an origin such as ${fallback}` })
    .default(fallback)
    .refine((v) => !URL.canParse(v) || ['/', ''].includes(new URL(v).pathname), `must be an origin without a path, such as ${fallback}`)
    .transform((v) => new URL(v).origin);

const schema = z
  .object({
    TELEGRAM_BOT_TOKEN: z
      .string({ error: 'is missing: create a bot with @BotFather and put its token in .env' })
      .trim()
      .regex(/^\d+:[\w-]+$/, 'does not look like a bot token (digits, a colon, then letters): copy it again from @BotFather'),
    TELEGRAM_CHAT_ID: optionalText.pipe(
      z
        .string()
        .regex(/^-?\d+$/, 'must be a chat id (a whole number): start the bot without it and send /start to see yours')
        .transform(Number)
        .optional(),
    ),
    TELEGRAM_API_ROOT: z
      .url({ error: 'must be a URL such as https://api.telegram.org' })
      .default('https://api.telegram.org')
      .transform((v) => v.replace(/\/+$/, '')),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (or leave it unset for the embedded database)')
        .optional(),
    ),
    OPENROUTER_API_KEY: optionalText,
    AI_BASE_URL: z.url({ error: 'must be a URL such as https://openrouter.ai/api/v1' }).default('https://openrouter.ai/api/v1'),
    AI_MODEL: z.string().trim().min(1).default('anthropic/claude-sonnet-4.5'),
    AI_TIMEOUT_S: z.coerce
      .number({ error: 'must be a number of seconds, e.g. 90' })
      .positive('must be a number of seconds above 0, e.g. 90')
      .max(600, 'must be at most 600 seconds: the chat waits this long at worst')
      .default(90),
    GARMIN_USERNAME: optionalText,
    GARMIN_PASSWORD: optionalText,
    INTERVALS_API_KEY: optionalText,
    INTERVALS_ATHLETE_ID: optionalText,
    GARMIN_API_URL: origin('https://connectapi.garmin.com'),
    GARMIN_SSO_URL: origin('https://sso.garmin.com'),
    GARMIN_OAUTH_CONSUMER_URL: z
      .url({ error: 'must be the URL of the OAuth consumer JSON (leave it unset for the default)' })
      .default('https://thegarth.s3.amazonaws.com/oauth_consumer.json'),
    INTERVALS_API_URL: origin('https://intervals.icu'),
    SYNC_BACKFILL_DAYS: z.coerce
      .number({ error: 'must be a number of days, e.g. 42' })
      .int('must be a whole number of days, e.g. 42')
      .min(1, 'must be at least 1 day')
      .max(3650, 'must be at most 3650 days (ten years)')
      .default(42),
    SYNC_TIMEOUT_S: z.coerce
      .number({ error: 'must be a number of seconds, e.g. 30' })
      .positive('must be a number of seconds above 0, e.g. 30')
      .max(300, 'must be at most 300 seconds')
      .default(30),
    SYNC_CRON: z
      .string()
      .trim()
      .default('17 */4 * * *')
      .refine((v) => /^(\S+\s+){4,5}\S+$/.test(v) && validateCron(v), 'must be a cron expression with 5 or 6 fields, e.g. "17 */4 * * *"'),
    TZ: optionalText.pipe(
      z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').optional(),
    ),
    HEALTH_PORT: z.coerce
      .number({ error: 'must be a port number (1-65535), e.g. 8080' })
      .int()
      .min(0)
      .max(65535, 'must be a port number (1-65535), e.g. 8080')
      .default(8080),
    HEALTH_HOST: z.string().trim().min(1).default('0.0.0.0'),
    WEBHOOK_URL: optionalText.pipe(z.url({ error: 'must be the public https:// URL Telegram should call' }).optional()),
    WEBHOOK_SECRET: optionalText.pipe(
      z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'may only use letters, digits, _ and - (1-256 characters)').optional(),
    ),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: optionalText.transform((v) => v === '1' || v === 'true'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.GARMIN_USERNAME) !== Boolean(env.GARMIN_PASSWORD)) {
      const missing = env.GARMIN_USERNAME ? 'GARMIN_PASSWORD' : 'GARMIN_USERNAME';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is missing: set both GARMIN_USERNAME and GARMIN_PASSWORD, or neither' });
    }
    if (Boolean(env.INTERVALS_API_KEY) !== Boolean(env.INTERVALS_ATHLETE_ID)) {
      const missing = env.INTERVALS_API_KEY ? 'INTERVALS_ATHLETE_ID' : 'INTERVALS_API_KEY';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is missing: set both INTERVALS_API_KEY and INTERVALS_ATHLETE_ID, or neither' });
    }
  });

/** Every variable the schema reads (documented in .env.example and the README). */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

export interface Config {
  telegram: { token: string; chatId: number | undefined; apiRoot: string };
  dataDir: string;
  databaseUrl: string | undefined;
  ai: { apiKey: string | undefined; baseUrl: string; model: string; timeoutMs: number };
  garmin: { username: string; password: string } | undefined;
  intervals: { apiKey: string; athleteId: string } | undefined;
  /** Where the sources live: the real services, a proxy, or a test double. */
  sourceUrls: { garminApi: string; garminSso: string; garminConsumer: string; intervals: string };
  sync: { cron: string; backfillDays: number; timeoutMs: number };
  timeZone: string;
  health: { port: number; host: string };
  webhook: { url: string; secret: string | undefined } | undefined;
  log: { level: string; pretty: boolean };
}

/** Thrown with one line per bad variable; main prints the message and exits. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `Configuration error: ${name} ${issue.message}`;
    });
    throw new ConfigError([...new Set(lines)]);
  }
  const e = parsed.data;
  return {
    telegram: { token: e.TELEGRAM_BOT_TOKEN, chatId: e.TELEGRAM_CHAT_ID, apiRoot: e.TELEGRAM_API_ROOT },
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    ai: { apiKey: e.OPENROUTER_API_KEY, baseUrl: e.AI_BASE_URL.replace(/\/+$/, ''), model: e.AI_MODEL, timeoutMs: Math.round(e.AI_TIMEOUT_S * 1000) },
    garmin: e.GARMIN_USERNAME && e.GARMIN_PASSWORD ? { username: e.GARMIN_USERNAME, password: e.GARMIN_PASSWORD } : undefined,
    intervals:
      e.INTERVALS_API_KEY && e.INTERVALS_ATHLETE_ID ? { apiKey: e.INTERVALS_API_KEY, athleteId: e.INTERVALS_ATHLETE_ID } : undefined,
    sourceUrls: { garminApi: e.GARMIN_API_URL, garminSso: e.GARMIN_SSO_URL, garminConsumer: e.GARMIN_OAUTH_CONSUMER_URL, intervals: e.INTERVALS_API_URL },
    sync: { cron: e.SYNC_CRON, backfillDays: e.SYNC_BACKFILL_DAYS, timeoutMs: Math.round(e.SYNC_TIMEOUT_S * 1000) },
    timeZone: e.TZ ?? hostTimeZone,
    health: { port: e.HEALTH_PORT, host: e.HEALTH_HOST },
    webhook: e.WEBHOOK_URL ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET } : undefined,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY ?? false },
  };
}

/** Every value that must never reach a log, in the forms it can appear in. */
export function secretsOf(config: Config): string[] {
  const secrets = [config.telegram.token, config.ai.apiKey, config.garmin?.password, config.intervals?.apiKey, config.webhook?.secret];
  if (config.databaseUrl) {
    try {
      const password = new URL(config.databaseUrl).password;
      if (password) secrets.push(decodeURIComponent(password), password);
    } catch {
      // an unparsable URL is reported by pg itself; nothing to extract
    }
  }
  // the part of the bot token after the colon is the secret on its own
  const tokenSecret = config.telegram.token.split(':')[1];
  if (tokenSecret) secrets.push(tokenSecret);
  return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
}
