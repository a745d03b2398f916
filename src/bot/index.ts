import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, type ConversationData, type VersionedState } from '@grammyjs/conversations';
import { Bot, Composer, type Context, type Transformer } from 'grammy';
import { localDay } from '../domain/load.ts';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ProfileService } from '../services/profile.ts';
import type { CoachChat } from '../services/chat.ts';
import type { DialogStore } from '../services/dialogs.ts';
import type { GoalService } from '../services/goal.ts';
import type { Planner } from '../services/planner.ts';
import type { Analyses } from '../services/analyses.ts';
import type { PlanBook } from '../services/plans.ts';
import type { RuleBook } from '../services/rules.ts';
import type { PromptLibrary } from '../services/prompts.ts';
import type { PendingQuestions } from '../services/questions.ts';
import type { RideService } from '../services/rides.ts';
import type { RouteLibrary } from '../services/routes.ts';
import type { StatusService } from '../services/status.ts';
import type { ProcessedUpdates } from '../services/updates.ts';
import { COMMANDS } from './commands.ts';
import type { BotContext } from './context.ts';
import { answerError } from './errors.ts';
import { cancelFeature } from './features/cancel.ts';
import { coachChatFeature } from './features/coach-chat.ts';
import { goalFeature } from './features/goal.ts';
import { plansFeature } from './features/plans.ts';
import { rulesFeature } from './features/rules.ts';
import { helpFeature } from './features/help.ts';
import { pairingFeature } from './features/pairing.ts';
import { profileFeature } from './features/profile.ts';
import { promptsFeature } from './features/prompts.ts';
import { analysesFeature } from './features/analyses.ts';
import { ridesFeature } from './features/rides.ts';
import { routesFeature } from './features/routes.ts';
import { startFeature } from './features/start.ts';
import { SyncDesk, syncFeature } from './features/sync.ts';
import type { SyncService } from '../services/sync.ts';
import type { GarminTokenStore } from '../integrations/garmin/tokens.ts';
import { statusFeature } from './features/status.ts';
import { unhandledFeature } from './features/unhandled.ts';
import { tolerateExpiredQueries } from './expired-queries.ts';
import { oncePerUpdate } from './middlewares/once-per-update.ts';
import { ownerGuard } from './middlewares/owner-guard.ts';

export interface BotDeps {
  config: Config;
  logger: Logger;
  updates: ProcessedUpdates;
  status: StatusService;
  profiles: ProfileService;
  questions: PendingQuestions;
  routes: RouteLibrary;
  rides: RideService;
  prompts: PromptLibrary;
  chat: CoachChat;
  goals: GoalService;
  rules: RuleBook;
  plans: PlanBook;
  planner: Planner;
  analyses: Analyses;
  /** Sync on demand and the Garmin connection (absent in pairing mode). */
  sync?: { desk: SyncDesk; service: SyncService; garminTokens: GarminTokenStore };
  /** Wakes the analysis worker: a ride was queued. */
  wakeAnalyses: () => void;
  dialogs: DialogStore<VersionedState<ConversationData>>;
  /** Extra API transformers (e.g. the reachability monitor for /health). */
  transformers?: Transformer[];
  /** Skips the getMe call at start-up when already known. */
  botInfo?: UserFromGetMe;
}

/**
 * Middleware order (each line runs before the next):
 *   1. owner guard    — any other chat is dropped here, before anything else runs
 *   2. update logger  — ctx.logger = logger.child({ update_id })
 *   3. error boundary — DB failures while checking the update id get a sentence too
 *   4. once per update — skip updates handled before a crash, record finished ones
 *   5. error boundary — a failing feature is answered, and the update still recorded
 *   6. conversations  — a dialog in progress (the goal) sees the update first; state in our database
 *   7. features       — one composer each; awaited answers (profile, prompt, rules text) before the coach
 *   8. coach chat     — any other plain text is a question for the coach
 *   9. unhandled      — anything left gets a pointer to /help
 * Without TELEGRAM_CHAT_ID only pairing (/start in a private chat) is served.
 */
export function createBot(deps: BotDeps): Bot<BotContext> {
  const { config, logger } = deps;
  const bot = new Bot<BotContext>(config.telegram.token, {
    client: { apiRoot: config.telegram.apiRoot },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });
  // the last installed runs first: auto-retry wraps the monitor, which sees every attempt
  for (const transformer of deps.transformers ?? []) bot.api.config.use(transformer);
  // 429 and 5xx are retried; network errors are not (auto-retry would retry them
  // forever and block the sequential update loop): the error boundary reports them
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  bot.api.config.use(tolerateExpiredQueries);

  const ownerChatId = config.telegram.chatId;
  if (ownerChatId === undefined) {
    bot.use(attachLogger(logger));
    bot.errorBoundary(answerError, pairingFeature());
  } else {
    bot.use(ownerGuard(ownerChatId, logger));
    bot.use(attachLogger(logger));
    const features = new Composer<BotContext>();
    const plansDeps = { plans: deps.plans, planner: deps.planner, goals: deps.goals, rides: deps.rides, routes: deps.routes, profiles: deps.profiles };
    features.errorBoundary(
      answerError,
      // one chat, one dialog state; its key is fixed so a restart finds it
      conversations<BotContext, Context>({ storage: { type: 'key', version: 1, getStorageKey: () => 'owner', adapter: deps.dialogs } }),
      goalFeature({
        goals: deps.goals,
        routes: deps.routes,
        today: async () => localDay(Date.now(), await deps.profiles.timeZone()),
        profileFtp: async () => (await deps.profiles.resolved()).profile.ftpW,
      }),
      startFeature(config),
      helpFeature(),
      routesFeature(deps.routes, config),
      ridesFeature(deps.rides, deps.profiles, config, deps.wakeAnalyses),
      profileFeature(deps.profiles, deps.questions),
      promptsFeature(deps.prompts, deps.questions, deps.profiles, config),
      rulesFeature({ rules: deps.rules, plans: deps.plans, profiles: deps.profiles, questions: deps.questions }),
      plansFeature(plansDeps),
      analysesFeature({ ...plansDeps, analyses: deps.analyses, questions: deps.questions, wake: deps.wakeAnalyses }),
      ...(deps.sync
        ? [syncFeature({ config, desk: deps.sync.desk, sync: deps.sync.service, profiles: deps.profiles, questions: deps.questions, garminTokens: deps.sync.garminTokens })]
        : []),
      cancelFeature(deps.questions),
      statusFeature(deps.status, deps.profiles),
      // after every feature that waits for an answer: what is left of plain text goes to the coach
      coachChatFeature(deps.chat),
      unhandledFeature(),
    );
    bot.errorBoundary(answerError, oncePerUpdate(deps.updates), features);
  }

  bot.catch((err) => logger.error({ err: err.error, update_id: err.ctx.update.update_id }, 'unhandled bot error'));
  return bot;
}

function attachLogger(logger: Logger) {
  return async (ctx: BotContext, next: () => Promise<void>) => {
    ctx.logger = logger.child({ update_id: ctx.update.update_id });
    await next();
  };
}

/** The Telegram menu shows the same commands as /help, only in the owner's chat. */
export async function registerCommands(bot: Bot<BotContext>, ownerChatId: number): Promise<void> {
  await bot.api.setMyCommands(
    COMMANDS.map(({ command, description }) => ({ command, description })),
    { scope: { type: 'chat', chat_id: ownerChatId } },
  );
}
