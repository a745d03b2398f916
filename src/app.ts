import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { GrammyError, webhookCallback, type Bot } from 'grammy';
import packageJson from '../package.json' with { type: 'json' };
// grammY does not export its package.json: read by path, so the build inlines the version it bundles
import grammyPackage from '../node_modules/grammy/package.json' with { type: 'json' };
import { createApiMonitor, type TelegramReachability } from './bot/api-monitor.ts';
import type { BotContext } from './bot/context.ts';
import { analysisSender } from './bot/features/analyses.ts';
import { SyncDesk } from './bot/features/sync.ts';
import { createBot, registerCommands } from './bot/index.ts';
import { secretsOf, type Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { startHttpServer, type HttpServer } from './http/server.ts';
import { createLogger, type Logger } from './logger.ts';
import { AiClient } from './integrations/ai/client.ts';
import { sourceCatalog } from './integrations/sources.ts';
import { AiService } from './services/ai.ts';
import { Analyses } from './services/analyses.ts';
import { AnalysisWorker } from './services/analysis-worker.ts';
import { Analyst } from './services/analyst.ts';
import { CoachChat } from './services/chat.ts';
import { CoachService } from './services/coach.ts';
import { DialogStore } from './services/dialogs.ts';
import { GoalService } from './services/goal.ts';
import { Planner } from './services/planner.ts';
import { PlanBook } from './services/plans.ts';
import { Proposals } from './services/proposals.ts';
import { RuleBook } from './services/rules.ts';
import { HealthService } from './services/health.ts';
import { ProfileService } from './services/profile.ts';
import { PendingQuestions } from './services/questions.ts';
import { RideService } from './services/rides.ts';
import { RouteLibrary } from './services/routes.ts';
import { StatusService } from './services/status.ts';
import { SyncService } from './services/sync.ts';
import cron, { type ScheduledTask } from 'node-cron';
import { PromptLibrary } from './services/prompts.ts';
import { ProcessedUpdates } from './services/updates.ts';

export interface App {
  config: Config;
  logger: Logger;
  database: Database;
  bot: Bot<BotContext>;
  /** Runs syncs for the chat (undefined in pairing mode). */
  syncDesk: SyncDesk | undefined;
  /** undefined when the health port was taken (polling mode keeps serving). */
  http: HttpServer | undefined;
  /** Stops taking updates, lets running handlers finish, closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/** A failure at start-up that the rider can fix; main prints `message` alone. */
export class StartupError extends Error {}

/** Composition root: config -> logger -> database -> services -> bot -> http. */
export interface StartOptions {
  logDestination?: NodeJS.WritableStream;
  /** false: rides are queued but not analysed (tests of other features, where an analysis message would only get in the way). */
  analysisWorker?: boolean;
}

export async function startApp(config: Config, options: StartOptions = {}): Promise<App> {
  const startedAt = new Date();
  const logger = createLogger({
    level: config.log.level,
    pretty: config.log.pretty,
    secrets: secretsOf(config),
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });

  await mkdir(path.resolve(config.dataDir), { recursive: true }).catch((error: unknown) => {
    throw new StartupError(`Cannot create the data folder ${path.resolve(config.dataDir)} (${(error as Error).message}): check DATA_DIR and its permissions.`);
  });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }).catch((error: unknown) => {
    logger.error({ err: error }, 'database failed to open');
    const where = config.databaseUrl ? 'the PostgreSQL database in DATABASE_URL' : `the embedded database in ${path.resolve(config.dataDir)}`;
    throw new StartupError(`Cannot open ${where}: ${(error as Error).message}`);
  });
  logger.info({ kind: database.kind, location: database.location }, 'database ready');

  const updates = new ProcessedUpdates(database.db);
  await updates.prune();
  const prompts = new PromptLibrary(database.db);
  await prompts.seed();
  const monitor = createApiMonitor();
  const profiles = new ProfileService(database.db, config.timeZone);
  const routes = new RouteLibrary({ db: database.db, dataDir: config.dataDir, profiles });
  const rides = new RideService({ db: database.db, profiles });
  const questions = new PendingQuestions(database.db);
  const ai = new AiService({
    db: database.db,
    prompts,
    client: config.ai.apiKey ? new AiClient({ apiKey: config.ai.apiKey, baseUrl: config.ai.baseUrl, timeoutMs: config.ai.timeoutMs }) : undefined,
    defaultModel: config.ai.model,
    timeoutMs: config.ai.timeoutMs,
    logger,
  });
  const coach = new CoachService({ db: database.db, rides, profiles });
  const proposals = new Proposals(database.db);
  const rules = new RuleBook({ db: database.db, ai, proposals });
  const goals = new GoalService(database.db);
  const plans = new PlanBook({ db: database.db, rules, goals, proposals });
  const planner = new Planner({ ai, coach, plans, rules, routes });
  const chat = new CoachChat({ db: database.db, ai, coach, plans, rules });
  const analyses = new Analyses({ db: database.db, plans });
  const analyst = new Analyst({ ai, coach, rides, plans, goals, planner, routes, analyses });
  const sources = sourceCatalog(config, logger);
  const sync = new SyncService({ db: database.db, rides, profiles, sources, backfillDays: config.sync.backfillDays, logger });
  const interrupted = await sync.recoverInterrupted();
  if (interrupted > 0) logger.warn({ runs: interrupted }, 'a sync was interrupted by the last stop; its rides are taken up by the next run');
  // the worker and the sync desk send through the bot, which wakes them: bound once all exist
  let worker: AnalysisWorker | undefined;
  const chatId = config.telegram.chatId;
  const desk =
    chatId === undefined
      ? undefined
      : new SyncDesk({ api: () => bot.api, chatId, sync, rides, profiles, wakeAnalyses: () => worker?.wake(), logger });
  const status = new StatusService({ config, database, ai, sync, versions: { app: packageJson.version, grammy: grammyPackage.version }, startedAt });
  const health = new HealthService({ config, database, telegram: monitor.state, sources, sync });
  const bot = createBot({
    config, logger, updates, status, profiles, questions, routes, rides, prompts, chat, goals, rules, plans, planner, analyses,
    ...(desk ? { sync: { desk, service: sync, garminTokens: sources.garminTokens } } : {}),
    wakeAnalyses: () => worker?.wake(),
    dialogs: new DialogStore(database.db),
    transformers: [monitor.transformer],
  });

  const webhook = config.webhook ? webhookRoute(bot, config.webhook, config.telegram.token) : undefined;
  let http: HttpServer | undefined;
  try {
    // up before Telegram is reached, so /health can say what is wrong while we retry
    http = await startHttpServer({ host: config.health.host, port: config.health.port, health, logger, ...(webhook ? { webhook } : {}) }).catch(
      (error: unknown) => {
        // the rider still gets a working bot in polling mode; the log says how to fix it
        if (webhook) throw new StartupError(`Cannot listen on HEALTH_PORT ${config.health.port} for the webhook: ${(error as Error).message}`);
        logger.error({ err: error }, `/health is off: cannot listen on port ${config.health.port}; set HEALTH_PORT to a free port`);
        return undefined;
      },
    );
    if (http) logger.info({ port: http.port }, 'health endpoint listening');
    await initBot(bot, logger, monitor.state);
    if (chatId === undefined) {
      logger.warn('TELEGRAM_CHAT_ID is not set: pairing mode. Send /start to the bot in a private chat to learn your chat id.');
    } else {
      await registerCommands(bot, chatId).catch((error: unknown) => logger.warn({ err: error }, 'could not set the command menu'));
    }
  } catch (error) {
    await http?.close();
    await database.close();
    throw error;
  }

  if (config.telegram.chatId !== undefined && options.analysisWorker !== false) {
    worker = new AnalysisWorker({ analyses, analyst, deliver: analysisSender(bot.api, config.telegram.chatId, { rides, profiles }), logger });
    worker.start();
  }

  let schedule: ScheduledTask | undefined;
  if (desk) {
    const timeZone = await profiles.timeZone();
    // node-cron's own warnings (a missed tick under load) go to our log, not to the console
    const cronLog = logger.child({ job: 'sync' });
    schedule = cron.schedule(config.sync.cron, () => void desk.start('schedule'), {
      timezone: timeZone,
      name: 'sync',
      noOverlap: true,
      logger: {
        info: (message) => cronLog.info(message),
        warn: (message) => cronLog.warn(message),
        error: (message, err) => cronLog.error({ err: err ?? message }, String(message)),
        debug: (message) => cronLog.debug(String(message)),
      },
    });
    // a source never synced (the first backfill) or rides a stop left pending: no need to wait for the clock
    if (await sync.hasWork()) desk.start('start');
    logger.info({ cron: config.sync.cron, time_zone: timeZone, next: schedule.getNextRun()?.toISOString() }, 'sync scheduled');
  }

  let polling: Promise<void> | undefined;
  if (config.webhook && webhook) {
    await bot.api.setWebhook(config.webhook.url, { secret_token: webhook.secret });
    logger.info({ mode: 'webhook' }, 'receiving updates');
  } else {
    polling = bot.start({
      drop_pending_updates: false,
      onStart: () => logger.info({ mode: 'polling', startup_ms: Date.now() - startedAt.getTime() }, 'receiving updates'),
    });
    polling.catch((error: unknown) => logger.fatal({ err: error }, 'polling stopped'));
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down');
      await schedule?.destroy();
      await Promise.all([worker?.stop(), desk?.stop()]);
      if (polling) {
        await bot.stop().catch((error: unknown) => logger.warn({ err: error }, 'could not confirm the last update'));
        // running handlers finish before the database closes
        await polling.catch(() => undefined);
      }
      await http?.close();
      await database.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  return { config, logger, database, bot, http, syncDesk: desk, stop };
}

/** How often start-up says it is still waiting for Telegram. */
const UNREACHABLE_LOG_MS = 5_000;

/**
 * getMe. grammY's init already retries network errors, 5xx and 429 forever with
 * backoff, silently; we say in the log what keeps failing. A refused token stops start-up.
 */
async function initBot(bot: Bot<BotContext>, logger: Logger, telegram: () => TelegramReachability): Promise<void> {
  const waiting = setInterval(() => {
    logger.warn({ last_error: telegram().lastError?.description }, 'Telegram is not reachable yet; still trying');
  }, UNREACHABLE_LOG_MS);
  try {
    await bot.init();
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
      throw new StartupError('Telegram refused the bot token (401 Unauthorized): copy TELEGRAM_BOT_TOKEN again from @BotFather.');
    }
    throw error;
  } finally {
    clearInterval(waiting);
  }
  logger.info({ username: bot.botInfo.username }, 'connected to Telegram');
}

function webhookRoute(bot: Bot<BotContext>, webhook: NonNullable<Config['webhook']>, token: string) {
  // A stable secret when none is configured: derived from the token, never logged.
  const secret = webhook.secret ?? createHash('sha256').update(`webhook:${token}`).digest('hex').slice(0, 48);
  return {
    path: new URL(webhook.url).pathname,
    secret,
    handler: webhookCallback(bot, 'http', { secretToken: secret, onTimeout: 'return', timeoutMilliseconds: 50_000 }),
  };
}
