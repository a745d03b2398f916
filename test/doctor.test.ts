import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli.ts';
import { openDatabase } from '../src/db/client.ts';
import { GarminTokenStore } from '../src/integrations/garmin/tokens.ts';
import { createTestStorage, type TestStorage } from './support/database.ts';
import { FakeAi } from './support/fake-ai.ts';
import { FakeIntervals } from './support/fake-intervals.ts';
import { TelegramDouble } from './support/telegram.ts';

const OWNER_ID = 1001;
const OPENROUTER = 'https://openrouter.ai/api/v1';

interface Report {
  code: number;
  out: string;
  /** The line of one check, e.g. line('database'). */
  line(name: string): string;
}

/** `coach doctor` as a terminal runs it, with exactly this environment. */
async function doctor(env: NodeJS.ProcessEnv): Promise<Report> {
  let out = '';
  let err = '';
  const code = await runCli(['doctor'], (l) => (out += `${l}\n`), (l) => (err += `${l}\n`), env);
  expect(err).toBe('');
  const lines = out.trimEnd().split('\n');
  return {
    code,
    out,
    line: (name) => {
      const found = lines.find((l) => l.slice(6, 17).trim() === name);
      if (!found) throw new Error(`no ${name} line in:\n${out}`);
      return found;
    },
  };
}

/** Every secret the environment holds, in the forms that could leak: none may appear in the output. */
function expectNoSecrets(report: Report, env: NodeJS.ProcessEnv, extra: string[] = []): void {
  const token = env.TELEGRAM_BOT_TOKEN ?? '';
  const dbPassword = env.DATABASE_URL && URL.canParse(env.DATABASE_URL) ? new URL(env.DATABASE_URL).password : '';
  const secrets = [token, token.split(':')[1], env.OPENROUTER_API_KEY, env.INTERVALS_API_KEY, env.GARMIN_PASSWORD, env.WEBHOOK_SECRET, dbPassword, ...extra];
  for (const secret of secrets.filter((s): s is string => Boolean(s))) expect(report.out).not.toContain(secret);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A database the bot has started on before: every migration applied. */
async function migrate(storage: TestStorage, then: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<unknown> = async () => undefined) {
  const database = await openDatabase({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir });
  try {
    await then(database.db);
  } finally {
    await database.close();
  }
}

let ai: FakeAi;
let icu: FakeIntervals;
let tg: TelegramDouble;
let storage: TestStorage;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [ai, icu] = await Promise.all([FakeAi.start({ apiKey: 'sk-or-v1-doctor-secret-key' }), FakeIntervals.start({ apiKey: 'icu-doctor-secret-key' })]);
  // doctor asks OpenRouter's own /key (it picks the endpoint by the host name): the fake answers for openrouter.ai
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return realFetch(url.startsWith('https://openrouter.ai/') ? url.replace('https://openrouter.ai', new URL(ai.baseUrl).origin) : input, init);
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all([ai.stop(), icu.stop()]);
});

beforeEach(async () => {
  tg = await TelegramDouble.start({ token: '987654:AAH-doctor-secret-token' });
  tg.user({ id: OWNER_ID, firstName: 'Ana' }).openChat();
  storage = await createTestStorage();
  env = {
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_CHAT_ID: String(OWNER_ID),
    DATA_DIR: storage.dataDir,
    ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
  };
  ai.reset();
});

afterEach(async () => {
  expect(tg.calls.filter((c) => !['getMe', 'getChat', 'getWebhookInfo', 'setWebhook'].includes(c.method))).toEqual([]); // doctor only looks
  await Promise.all([tg.stop(), storage.cleanup()]);
});

describe('coach doctor on a good configuration', () => {
  it('passes with the optional parts off, one line per check and a summary, creating nothing', async () => {
    const report = await doctor(env);
    expect(report.code).toBe(0);
    const lines = report.out.trimEnd().split('\n');
    expect(lines.slice(0, -1).map((l) => l.slice(0, 17).trimEnd())).toEqual([
      'ok    config',
      'ok    database',
      'ok    data dir',
      'ok    telegram',
      'ok    chat',
      'ok    webhook',
      expect.stringMatching(/^(ok|warn) +fonts$/),
      'off   ai',
      'off   garmin',
      'off   intervals',
    ]);
    expect(lines.at(-1)).toMatch(/^doctor: everything configured works \((1 warning, )?3 off\)$/);
    if (storage.kind === 'pglite') {
      expect(report.line('database')).toContain('not created yet; the first start creates it');
      expect(existsSync(path.join(storage.dataDir, 'pgdata'))).toBe(false);
    } else {
      expect(report.line('database')).toMatch(/PostgreSQL \d+\.\d+.* at 127\.0\.0\.1:\d+\/coach_test_\w+; empty; the first start applies the \d+ migrations/);
    }
    expect(report.line('telegram')).toContain('token accepted: @coach_test_bot');
    expect(report.line('chat')).toContain(`chat ${OWNER_ID} reachable (private, Ana)`);
    expect(report.line('webhook')).toContain('long polling (no webhook set)');
    expect(report.line('ai')).toContain('the built-in coach answers');
    expect(report.line('garmin')).toContain('not configured — set GARMIN_USERNAME and GARMIN_PASSWORD, or send tokens with /garmin');
    expectNoSecrets(report, env);
  });

  it('explains pairing mode when TELEGRAM_CHAT_ID is unset', async () => {
    const { TELEGRAM_CHAT_ID: _unset, ...pairing } = env;
    const report = await doctor(pairing);
    expect(report.code).toBe(0);
    expect(report.line('chat')).toMatch(/^off +chat +TELEGRAM_CHAT_ID unset: pairing mode.* — start the bot, send it \/start/);
    expect(tg.calls.map((c) => c.method)).not.toContain('getChat');
    expectNoSecrets(report, pairing);
  });

  it('passes with every optional part configured and answering', async () => {
    await migrate(storage);
    const now = Math.floor(Date.now() / 1000);
    const garminTokens = ['garmin-oauth1-secret', 'garmin-oauth1-token-secret', 'garmin-access-secret', 'garmin-refresh-secret'];
    await new GarminTokenStore(path.join(storage.dataDir, 'garmin')).save({
      oauth1: { oauth_token: garminTokens[0]!, oauth_token_secret: garminTokens[1]! },
      oauth2: { access_token: garminTokens[2]!, refresh_token: garminTokens[3]!, expires_in: 3600, expires_at: now + 3600, refresh_token_expires_at: now + 30 * 86_400 },
    });
    const full = {
      ...env,
      OPENROUTER_API_KEY: ai.apiKey,
      AI_BASE_URL: OPENROUTER,
      GARMIN_USERNAME: 'ana@example.com',
      GARMIN_PASSWORD: 'garmin-password-secret',
      INTERVALS_API_KEY: icu.apiKey,
      INTERVALS_ATHLETE_ID: icu.athleteId,
      INTERVALS_API_URL: icu.baseUrl,
    };
    const report = await doctor(full);
    expect(report.code).toBe(0);
    for (const name of ['config', 'database', 'data dir', 'telegram', 'chat', 'webhook', 'ai', 'garmin', 'intervals']) expect(report.line(name)).toMatch(/^ok /);
    expect(report.line('database')).toMatch(/migrations current \(\d+\)/);
    expect(report.line('ai')).toContain('key accepted by OpenRouter');
    expect(ai.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/key']); // no completion: no tokens spent
    expect(report.line('garmin')).toMatch(/tokens saved \d{4}-\d{2}-\d{2} \(0 days ago\); refresh token until \d{4}-/);
    expect(report.line('intervals')).toContain(`API key accepted for athlete ${icu.athleteId}`);
    expectNoSecrets(report, full, garminTokens);
  });
});

describe('coach doctor on a broken configuration', () => {
  it('lists every invalid variable and checks nothing else', async () => {
    const broken = { ...env, TELEGRAM_BOT_TOKEN: 'not-a-token-secret', SYNC_CRON: 'whenever', OPENROUTER_API_KEY: 'sk-or-v1-config-secret', DATABASE_URL: 'mysql://coach:db-secret@127.0.0.1/coach' };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    const lines = report.out.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL  config'))).toEqual([
      expect.stringContaining('TELEGRAM_BOT_TOKEN does not look like a bot token'),
      expect.stringContaining('DATABASE_URL must start with postgres://'),
      expect.stringContaining('SYNC_CRON must be a cron expression'),
    ]);
    expect(report.line('others')).toMatch(/^skip +others +not checked until the configuration is valid: database, data dir, telegram/);
    expect(lines.at(-1)).toMatch(/^doctor: 1 failed \(config\)/);
    expect(tg.calls).toEqual([]);
    expectNoSecrets(report, broken, ['db-secret']);
  });

  it('fails the database when PostgreSQL does not answer, naming where without the password', async () => {
    const port = await closedPort();
    const broken = { ...env, DATABASE_URL: `postgres://coach:pg-pass-secret@127.0.0.1:${port}/coach` };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    expect(report.line('database')).toMatch(
      new RegExp(`^FAIL  database   cannot use PostgreSQL at 127\\.0\\.0\\.1:${port}/coach: .*ECONNREFUSED.* — fix: check that the server runs and DATABASE_URL`),
    );
    expect(report.line('telegram')).toMatch(/^ok /); // the other checks still run
    expectNoSecrets(report, broken);
  });

  it.skipIf(process.env.TEST_DATABASE_URL)('says the embedded database is in use while the bot holds it, without opening it', async () => {
    const held = await openDatabase({ databaseUrl: undefined, dataDir: storage.dataDir });
    try {
      const report = await doctor(env);
      expect(report.code).toBe(0);
      expect(report.line('database')).toMatch(new RegExp(`^ok +database +embedded database in .*pgdata is in use by the running bot \\(pid ${process.pid}\\)`));
    } finally {
      await held.close();
    }
  });

  it('fails the database when it has migrations this version does not know (a downgrade)', async () => {
    await migrate(storage, (db) => db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-the-future', ${Date.UTC(2040, 0, 1)})`));
    const report = await doctor(env);
    expect(report.code).toBe(1);
    expect(report.line('database')).toMatch(/^FAIL .*1 migration this version does not know \(the newest dated 2040-01-01\): a newer version .* — fix: run that newer version again/);
  });

  it('passes with migrations pending, saying the next start applies them', async () => {
    await migrate(storage, (db) => db.execute(sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`));
    const report = await doctor(env);
    expect(report.code).toBe(0);
    expect(report.line('database')).toMatch(/^ok .*; 1 of \d+ migrations pending; the next start applies them$/);
  });

  it('fails the data dir when it cannot be created (a file where a folder should be)', async () => {
    const file = path.join(storage.dataDir, 'not-a-folder');
    await writeFile(file, 'x');
    const broken = { ...env, DATA_DIR: path.join(file, 'data') };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    expect(report.line('data dir')).toBe(`FAIL  data dir   ${path.join(file, 'data')} cannot be created: ${file} is not a folder — fix: point DATA_DIR at a folder (or below one)`);
    expect(report.line('garmin')).toMatch(/^skip .*DATA_DIR, which is not usable/);
    expectNoSecrets(report, broken);
  });

  it('fails telegram when the token is refused, and skips what needs it', async () => {
    const broken = { ...env, TELEGRAM_BOT_TOKEN: '987654:AAH-wrong-secret-token' };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    expect(report.line('telegram')).toBe('FAIL  telegram   the bot token was refused (401) — fix: copy the token from @BotFather (/mybots → API Token) into TELEGRAM_BOT_TOKEN');
    expect(report.line('chat')).toMatch(/^skip /);
    expect(report.line('webhook')).toMatch(/^skip /);
    expect(report.out).not.toContain(tg.token);
    expectNoSecrets(report, broken);
  });

  it('scrubs a secret that an answer quotes back (a proxy echoing the request URL)', async () => {
    tg.fail('getMe', { status: 400, description: `Bad Request: upstream refused ${tg.apiRoot}/bot${tg.token}/getMe` });
    const report = await doctor(env);
    expect(report.code).toBe(1);
    expect(report.line('telegram')).toContain(`Telegram answered 400 (Bad Request: upstream refused ${tg.apiRoot}/bot[redacted]/getMe)`);
    expectNoSecrets(report, env);
  });

  it('fails telegram when the Bot API does not answer', async () => {
    const broken = { ...env, TELEGRAM_API_ROOT: `http://127.0.0.1:${await closedPort()}` };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    expect(report.line('telegram')).toMatch(/^FAIL  telegram   cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) — fix: check the server's network/);
    expectNoSecrets(report, broken);
  });

  it('fails the chat when the bot cannot reach TELEGRAM_CHAT_ID', async () => {
    const broken = { ...env, TELEGRAM_CHAT_ID: '4242' };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    expect(report.line('chat')).toMatch(/^FAIL  chat       the bot cannot reach chat 4242 \(400: Bad Request: chat not found\) — fix: send \/start to the bot from that chat/);
    expectNoSecrets(report, broken);
  });

  it('fails the webhook when Telegram has one but the bot is configured for long polling', async () => {
    await fetch(`${tg.apiRoot}/bot${tg.token}/setWebhook?url=${encodeURIComponent('https://old.example.com/hook')}`);
    const report = await doctor(env);
    expect(report.code).toBe(1);
    expect(report.line('webhook')).toMatch(/^FAIL  webhook    WEBHOOK_URL is unset \(long polling\) but Telegram has a webhook set to https:\/\/old\.example\.com\/hook: .*409 Conflict.* — fix: start \(or restart\) the bot: it deletes the webhook/);
    expectNoSecrets(report, env);
  });

  it('checks webhook mode against the URL Telegram has', async () => {
    const webhookEnv = { ...env, WEBHOOK_URL: 'https://coach.example.com/telegram', WEBHOOK_SECRET: 'hook-secret-value' };
    expect((await doctor(webhookEnv)).line('webhook')).toMatch(/^warn  webhook    webhook mode, but Telegram has no webhook set yet — fix: start \(or restart\) the bot/);
    await fetch(`${tg.apiRoot}/bot${tg.token}/setWebhook?url=${encodeURIComponent('https://other.example.com/telegram')}`);
    const report = await doctor(webhookEnv);
    expect(report.code).toBe(1);
    expect(report.line('webhook')).toMatch(/^FAIL  webhook    Telegram sends updates to https:\/\/other\.example\.com\/telegram, not to WEBHOOK_URL https:\/\/coach\.example\.com\/telegram/);
    await fetch(`${tg.apiRoot}/bot${tg.token}/setWebhook?url=${encodeURIComponent(webhookEnv.WEBHOOK_URL)}`);
    const fixed = await doctor(webhookEnv);
    expect(fixed.line('webhook')).toBe('ok    webhook    webhook https://coach.example.com/telegram');
    expectNoSecrets(fixed, webhookEnv);
  });

  it('fails the AI when OpenRouter refuses the key, asking /key (free) and never a completion', async () => {
    const broken = { ...env, OPENROUTER_API_KEY: 'sk-or-v1-wrong-secret-key', AI_BASE_URL: OPENROUTER };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    expect(report.line('ai')).toBe('FAIL  ai         https://openrouter.ai refused the key (401) — fix: create a key at https://openrouter.ai/settings/keys and put it in OPENROUTER_API_KEY');
    expect(ai.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/key']);
    expectNoSecrets(report, broken, [ai.apiKey]);
  });

  it('asks another OpenAI-compatible server its /models, and fails when AI_BASE_URL has none', async () => {
    const broken = { ...env, OPENROUTER_API_KEY: ai.apiKey, AI_BASE_URL: `${new URL(ai.baseUrl).origin}/v1` };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    expect(report.line('ai')).toMatch(/^FAIL  ai         http:\/\/127\.0\.0\.1:\d+\/v1\/models does not exist \(404\) — fix: check AI_BASE_URL/);
    expectNoSecrets(report, broken);
  });

  it('fails Garmin when the saved tokens are malformed, without quoting them', async () => {
    const dir = path.join(storage.dataDir, 'garmin');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'oauth1_token.json'), '{"oauth_token":"half-a-garmin-secret","oauth_token_secret":');
    await writeFile(path.join(dir, 'oauth2_token.json'), JSON.stringify({ access_token: 'garmin-access-secret', refresh_token: 'garmin-refresh-secret', expires_in: 3600 }));
    const broken = { ...env, GARMIN_USERNAME: 'ana@example.com', GARMIN_PASSWORD: 'garmin-password-secret' };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    expect(report.line('garmin')).toMatch(/^FAIL  garmin     the saved tokens in .*garmin cannot be used: oauth1_token\.json is not valid JSON — fix: send fresh tokens with \/garmin, or delete that folder/);
    expectNoSecrets(report, broken, ['half-a-garmin-secret', 'garmin-access-secret', 'garmin-refresh-secret']);
  });

  it('fails intervals.icu when the API key is refused', async () => {
    const broken = { ...env, INTERVALS_API_KEY: 'icu-wrong-secret-key', INTERVALS_ATHLETE_ID: icu.athleteId, INTERVALS_API_URL: icu.baseUrl };
    const report = await doctor(broken);
    expect(report.code).toBe(1);
    expect(report.line('intervals')).toMatch(/^FAIL  intervals  intervals\.icu refused the API key \(401\): check INTERVALS_API_KEY/);
    expectNoSecrets(report, broken, [icu.apiKey]);
  });
});

describe('coach', () => {
  it('lists doctor in its usage', async () => {
    let err = '';
    expect(await runCli(['fly'], () => undefined, (l) => (err += l), {})).toBe(64);
    expect(err).toContain('coach doctor');
  });
});

describe('coach doctor from a terminal', () => {
  it('the compiled command (bin/coach.js) prints the lines and exits 1 on a broken piece', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'coach-doctor-')); // no .env of ours
    const broken = { ...env, TELEGRAM_CHAT_ID: '4242', PATH: process.env.PATH ?? '' };
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(process.execPath, [fileURLToPath(new URL('../bin/coach.js', import.meta.url)), 'doctor'], { cwd, env: broken }, (error, stdout) =>
        resolve({ code: error ? (error as { code?: number }).code ?? null : 0, out: stdout }),
      );
    });
    await rm(cwd, { recursive: true, force: true });
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^ok    telegram   token accepted/m);
    expect(run.out).toMatch(/^FAIL  chat       the bot cannot reach chat 4242/m);
    expect(run.out).toMatch(/^(ok|warn)  +fonts/m); // the chart engine's chunk and canvas load in the compiled form too
    expect(run.out).not.toContain(tg.token);
  });
});
