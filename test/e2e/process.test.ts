import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { until } from '../support/app.ts';
import { BotProcess } from '../support/bot-process.ts';
import { FakeIntervals } from '../support/fake-intervals.ts';
import { createTestStorage, type TestStorage } from '../support/database.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';
import { TelegramDouble } from '../support/telegram.ts';

/**
 * The bot as a separate process started exactly like `npm start`, so that kill
 * signals, exit codes and what reaches stdout/stderr are the real thing.
 */
const OWNER = 1001;
let tg: TelegramDouble;
let storage: TestStorage;
let cwd: string;
const running: BotProcess[] = [];

beforeEach(async () => {
  tg = await TelegramDouble.start({ token: '555111:AAF-process-test-SECRET' });
  storage = await createTestStorage();
  cwd = await mkdtemp(path.join(os.tmpdir(), 'coach-cwd-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.dispose()));
  await tg.stop();
  await storage.cleanup();
  await rm(cwd, { recursive: true, force: true });
});

function envFor(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_CHAT_ID: String(OWNER),
    TELEGRAM_API_ROOT: tg.apiRoot,
    DATA_DIR: storage.dataDir,
    ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
    HEALTH_PORT: '0',
    HEALTH_HOST: '127.0.0.1',
    ...extra,
  };
}

function start(env: Record<string, string>): BotProcess {
  const bot = new BotProcess(env, cwd);
  running.push(bot);
  return bot;
}

async function startPolling(env = envFor()): Promise<BotProcess> {
  const bot = start(env);
  await bot.waitForLog((e) => e.msg === 'receiving updates', 60_000);
  return bot;
}

describe('start-up', () => {
  it('an invalid configuration stops it with one clear line, not a stack trace', async () => {
    const bot = start({ TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_CHAT_ID: 'my-chat' });
    expect((await bot.exited).code).toBe(1);
    expect(bot.stderr.trim().split('\n')).toEqual([
      'Configuration error: TELEGRAM_CHAT_ID must be a chat id (a whole number): start the bot without it and send /start to see yours',
    ]);
    expect(bot.stdout).toBe('');
  });

  it('a token Telegram refuses stops it with one clear line', async () => {
    const bot = start(envFor({ TELEGRAM_BOT_TOKEN: '555111:wrong-token' }));
    expect((await bot.exited).code).toBe(1);
    expect(bot.stderr.trim()).toBe('Telegram refused the bot token (401 Unauthorized): copy TELEGRAM_BOT_TOKEN again from @BotFather.');
  });

  it('with only the token, chat id and API root it creates the embedded database and answers', async () => {
    const bot = start({ TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_CHAT_ID: String(OWNER), TELEGRAM_API_ROOT: tg.apiRoot });
    await bot.waitForLog((e) => e.msg === 'receiving updates', 60_000);
    expect(await readdir(path.join(cwd, 'data', 'pgdata'))).toContain('PG_VERSION');
    const owner = tg.user({ id: OWNER, firstName: 'Ana' });
    for (const command of ['/start', '/help', '/status']) {
      owner.send(command);
      expect((await owner.nextReply({ timeoutMs: 10_000 })).text?.length).toBeGreaterThan(20);
    }
  });
});

describe('pairing mode (no TELEGRAM_CHAT_ID)', () => {
  it('answers /start in any private chat with that chat id and nothing else', async () => {
    const bot = await startPolling(envFor({ TELEGRAM_CHAT_ID: '' }));
    expect(bot.logs().some((e) => String(e.msg).includes('pairing mode'))).toBe(true);
    const someone = tg.user({ id: 4242, firstName: 'New' });
    someone.send('/start');
    expect((await someone.nextReply({ timeoutMs: 10_000 })).text).toContain('TELEGRAM_CHAT_ID=4242');
    const ignored = someone.send('/status');
    await tg.waitForConfirmed(ignored, 10_000);
    expect(someone.messages()).toHaveLength(1);
    expect(tg.calls.some((c) => c.method === 'setMyCommands')).toBe(false);
  });
});

describe('crash recovery (getUpdates is at-least-once)', () => {
  it('killed right after replying, before the next poll confirmed the update: no second reply after restart', async () => {
    const first = await startPolling();
    const owner = tg.user({ id: OWNER, firstName: 'Ana' });
    const updateId = owner.send('/help');
    // the poll that would confirm the update arrives: kill the bot before Telegram applies it
    tg.intercept('getUpdates', (call) => {
      if (Number(call.params.offset) > updateId) {
        first.kill('SIGKILL');
        return 'drop';
      }
    });
    await owner.nextReply({ timeoutMs: 10_000 });
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(tg.updates.pending).toContain(updateId);

    tg.intercept('getUpdates', () => undefined);
    await startPolling();
    await tg.waitForConfirmed(updateId, 20_000);
    const next = owner.send('/start');
    await tg.waitForConfirmed(next, 10_000);
    const replies = owner.messages().map((m) => m.text ?? '');
    expect(replies.filter((t) => t.startsWith('Commands'))).toHaveLength(1);
    expect(replies.filter((t) => t.startsWith('Hi Ana'))).toHaveLength(1);
  });

  it('killed before replying: replies after restart', async () => {
    const first = await startPolling();
    const owner = tg.user({ id: OWNER, firstName: 'Ana' });
    tg.intercept('sendMessage', () => {
      first.kill('SIGKILL');
      return 'drop';
    });
    const updateId = owner.send('/help');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(owner.messages()).toHaveLength(0);

    tg.intercept('sendMessage', () => undefined);
    await startPolling();
    expect((await owner.nextReply({ timeoutMs: 20_000 })).text).toContain('Commands');
    await tg.waitForConfirmed(updateId, 10_000);
    expect(owner.messages()).toHaveLength(1);
  });

  it('SIGTERM lets the running handler finish, confirms the update and exits 0', async () => {
    const bot = await startPolling();
    const owner = tg.user({ id: OWNER, firstName: 'Ana' });
    tg.intercept('sendChatAction', () => bot.kill('SIGTERM'));
    const updateId = owner.send('/status');
    expect((await owner.nextReply({ timeoutMs: 10_000 })).text).toContain('Status');
    expect((await bot.exited).code).toBe(0);
    expect(bot.logs().map((e) => e.msg)).toContain('stopped');
    expect(tg.updates.pending).not.toContain(updateId);
  });
});

describe('the analysis loop across a crash', () => {
  it('SIGKILL between the Approve tap and the edit: after the restart, one plan version and a message that says so', async () => {
    const first = await startPolling();
    const owner = tg.user({ id: OWNER, firstName: 'Ana' });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    owner.sendDocument({ fileName: 'ride.fit', bytes: syntheticRideFit({ start: new Date(`${yesterday}T08:00:00Z`), seconds: 3600, powerW: 150, hrBpm: 140 }) });
    const analysis = await tg.waitFor(() => owner.messages().find((m) => m.text?.startsWith('🚴 Ride 1 ') && JSON.stringify(m.reply_markup).includes('an:a:1')), 60_000, () => 'no analysis with Approve');
    expect(analysis.text).toContain('No plan yet — a first plan');

    // the tap is decided and committed; the process dies as it edits the message
    tg.intercept('editMessageText', () => {
      first.kill('SIGKILL');
      return 'drop';
    });
    const tap = owner.press(analysis, 'an:a:1');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(tg.updates.pending).toContain(tap);
    expect(owner.messages().find((m) => m.message_id === analysis.message_id)!.text).not.toContain('Approved');

    tg.intercept('editMessageText', () => undefined);
    await startPolling();
    await tg.waitForConfirmed(tap, 30_000);
    const edited = owner.messages().find((m) => m.message_id === analysis.message_id)!;
    expect(edited.text).toMatch(/^✅ Approved — plan v1\./);
    expect(JSON.stringify(edited.reply_markup)).not.toContain('an:a:');
    const answers = tg.calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.params.text);
    expect(answers).toEqual(['Plan v1 saved', 'Already approved: plan v1']);
    const history = owner.send('/plan_history');
    await tg.waitForConfirmed(history, 10_000);
    const list = owner.messages().at(-1)!.text!;
    expect(list).toContain('Analysis 1 of ride 1');
    expect(list.match(/\bv\d+ ·/g)).toEqual(['v1 ·']);
  });
});

describe('sync across a crash', () => {
  it('SIGKILL in the middle of a sync: after the restart every ride is stored and shown exactly once', async () => {
    const icu = await FakeIntervals.start();
    try {
      const ids = [30, 20, 10].map((hoursAgo) => {
        const start = new Date(Math.floor((Date.now() - hoursAgo * 3_600_000) / 1000) * 1000);
        return icu.addActivity({ startTime: start, name: `Ride ${hoursAgo}`, file: syntheticRideFit({ start, seconds: 1200, powerW: 180, hrBpm: 140 }) });
      });
      // the second file never comes: the first process dies waiting for it, with the first ride stored
      icu.fail(`/activity/${ids[1]}/file`, 'hang', 1);
      const owner = tg.user({ id: OWNER, firstName: 'Ana' });
      owner.openChat();
      const env = envFor({ INTERVALS_API_KEY: icu.apiKey, INTERVALS_ATHLETE_ID: icu.athleteId, INTERVALS_API_URL: icu.baseUrl });
      const first = await startPolling(env);
      await until('the second download', () => icu.requests.some((r) => r.path.endsWith(`/${ids[1]}/file`)), 60_000);
      first.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      expect(owner.messages()).toEqual([]);

      const second = await startPolling(env);
      await tg.waitFor(() => (owner.messages().filter((m) => m.photo).length === 3 ? true : undefined), 60_000, () => 'three ride cards');
      second.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
      expect(second.logs().some((e) => e.msg === 'a sync was interrupted by the last stop; its rides are taken up by the next run')).toBe(true);

      const out: string[] = [];
      expect(await runCli(['rides', '--json'], (l) => out.push(l), () => undefined, env)).toBe(0);
      const stored = JSON.parse(out.join('\n')) as { source: string; source_activity_id: string; start_time: string }[];
      expect(stored.map((r) => [r.source, r.source_activity_id])).toEqual(ids.map((id) => ['intervals', id]));
      expect(stored[0]!.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      expect(owner.messages().filter((m) => m.photo).map((m) => m.caption?.split('\n')[0])).toEqual([
        expect.stringContaining('Ride 30'),
        expect.stringContaining('Ride 20'),
        expect.stringContaining('Ride 10'),
      ]);
    } finally {
      await icu.stop();
    }
  });
});

describe('secrets', () => {
  it('never reach the logs, even in network errors that carry the token in a URL', async () => {
    const dbPassword = 'Db-Pass-77-secret';
    const bot = await startPolling(
      envFor({
        LOG_LEVEL: 'debug',
        OPENROUTER_API_KEY: 'sk-or-v1-0123456789abcdef',
        GARMIN_USERNAME: 'ana@example.com',
        GARMIN_PASSWORD: 'Garmin-Pw-99',
        // nobody listens there: the first sync's login fails at once, and must not echo the password
        GARMIN_SSO_URL: 'http://127.0.0.1:1',
        GARMIN_API_URL: 'http://127.0.0.1:1',
        GARMIN_OAUTH_CONSUMER_URL: 'http://127.0.0.1:1/oauth_consumer.json',
      }),
    );
    const owner = tg.user({ id: OWNER, firstName: 'Ana' });
    // every send dies mid-request: grammY's HttpError carries the request URL with the token
    tg.intercept('sendMessage', () => 'drop');
    owner.send('/help');
    await bot.waitForLog((e) => e.msg === 'could not tell the rider about an error', 20_000);
    tg.intercept('sendMessage', () => undefined);
    bot.kill('SIGTERM');
    await bot.exited;

    // a database URL with a password that cannot connect
    const failing = start(envFor({ DATABASE_URL: `postgres://coach:${dbPassword}@127.0.0.1:1/coach` }));
    expect((await failing.exited).code).toBe(1);

    const everything = bot.stdout + bot.stderr + failing.stdout + failing.stderr;
    expect(everything).toContain('handler failed');
    expect(everything).toContain('[redacted]');
    for (const secret of ['AAF-process-test-SECRET', 'sk-or-v1-0123456789abcdef', 'Garmin-Pw-99', dbPassword]) {
      expect(everything).not.toContain(secret);
    }
  });
});
