import type { Message } from 'grammy/types';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createTestStorage, type TestStorage } from './database.ts';
import { LogCapture } from './logs.ts';
import { TelegramDouble, type UserDriver } from './telegram.ts';

export const OWNER_ID = 1001;
export const STRANGER_ID = 2002;

/** The whole app wired as in production, against the Telegram double and a test database. */
export interface Harness {
  tg: TelegramDouble;
  app: App;
  storage: TestStorage;
  logs: LogCapture;
  owner: UserDriver;
  stranger: UserDriver;
  healthUrl: string;
  /** Stops the app and starts a new one on the same database, data folder and Telegram double (a restart). */
  restart(): Promise<void>;
  /** Everything the bot sent the owner for one update, once it has finished with it. */
  answerTo(updateId: number, timeoutMs?: number): Promise<Message[]>;
  close(): Promise<void>;
}

/** Sends a command and waits until the bot has handled it; returns the bot's messages since, as they stand now. */
export async function command(h: Harness, text: string): Promise<Message[]> {
  const before = h.owner.messages().at(-1)?.message_id ?? 0;
  await h.tg.waitForConfirmed(h.owner.send(text), 30_000);
  return h.owner.messages().filter((m) => m.message_id > before);
}

/** Polls `check` until it gives something (not undefined or false), for state outside the Telegram double. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startHarness(
  env: Record<string, string> = {},
  beforeStart: (tg: TelegramDouble) => void = () => undefined,
  options: { analysisWorker?: boolean } = {},
): Promise<Harness> {
  const tg = await TelegramDouble.start({ token: '987654:AAH-harness-secret-token' });
  beforeStart(tg);
  const storage = await createTestStorage();
  const logs = new LogCapture();
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_CHAT_ID: String(OWNER_ID),
    TELEGRAM_API_ROOT: tg.apiRoot,
    DATA_DIR: storage.dataDir,
    ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
    HEALTH_PORT: '0',
    HEALTH_HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    TZ: 'Europe/Ljubljana',
    ...env,
  });
  const owner = tg.user({ id: OWNER_ID, firstName: 'Ana' });
  owner.openChat();
  let app = await startApp(config, { logDestination: logs, ...options });
  if (!config.webhook) await tg.waitForPoll(() => true, 20_000);
  return {
    tg,
    get app() {
      return app;
    },
    storage,
    restart: async () => {
      await app.stop();
      const since = tg.mark();
      app = await startApp(config, { logDestination: logs, ...options });
      if (!config.webhook) await tg.waitForPoll((p) => p.callIndex >= since, 20_000);
    },
    logs,
    owner,
    stranger: tg.user({ id: STRANGER_ID, firstName: 'Mallory' }),
    get healthUrl() {
      return `http://127.0.0.1:${app.http?.port}/health`;
    },
    answerTo: async (updateId, timeoutMs = 60_000) => {
      await tg.waitForConfirmed(updateId, timeoutMs);
      const out: Message[] = [];
      for (;;) {
        try {
          out.push(await owner.nextReply({ timeoutMs: 100 }));
        } catch {
          return out;
        }
      }
    },
    close: async () => {
      await app.stop();
      await tg.stop();
      await storage.cleanup();
    },
  };
}
