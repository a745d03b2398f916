import { Composer, GrammyError, InlineKeyboard, type Api } from 'grammy';
import type { Config } from '../../config.ts';
import { InvalidInput } from '../../domain/errors.ts';
import type { SourceId, SourceThresholds } from '../../integrations/activity-source.ts';
import { parseGarminTokens, type GarminTokenStore } from '../../integrations/garmin/tokens.ts';
import type { Logger } from '../../logger.ts';
import type { ProfileService } from '../../services/profile.ts';
import type { PendingQuestions } from '../../services/questions.ts';
import type { RideService } from '../../services/rides.ts';
import type { SyncProgress, SyncService, SyncTrigger, ThresholdChange } from '../../services/sync.ts';
import type { BotContext } from '../context.ts';
import { downloadDocument } from '../files.ts';
import { formatDateTime } from '../format.ts';
import { html, joinHtml } from '../html.ts';
import {
  backfillSummary,
  cooldownLine,
  NO_SOURCES,
  noticeText,
  progressLine,
  resultText,
  sourceHealthLines,
  startingText,
  thresholdAppliedText,
  thresholdOfferText,
} from '../sync-view.ts';
import { sendRide } from './rides.ts';

/** The status message is edited at most this often (Telegram limits edits per chat). */
const PROGRESS_EDIT_MS = 1_500;
/** A token file sent without its partner is kept this long (in memory only). */
const TOKEN_PART_TTL_MS = 10 * 60_000;
const TOKEN_FILE = /^oauth[12]_token\.json$/i;
/** The offered values ride in the button itself (well under Telegram's 64 bytes): a tap applies what its message showed. */
const THRESHOLD_LETTERS: Record<ThresholdChange['key'], string> = { ftpW: 'f', lthrBpm: 'l', maxHrBpm: 'm', riderKg: 'w' };
const cb = {
  accept: (s: SourceId, changes: ThresholdChange[]) => `th:y:${s}:${changes.map((c) => `${THRESHOLD_LETTERS[c.key]}${c.to}`).join(',')}`,
  keep: (s: SourceId) => `th:n:${s}`,
};

function offeredValues(data: string): SourceThresholds {
  const byLetter: Record<string, keyof SourceThresholds> = { f: 'ftpW', l: 'lthrBpm', m: 'maxHrBpm', w: 'weightKg' };
  const values: SourceThresholds = {};
  for (const part of data.split(',')) {
    const key = byLetter[part[0] ?? ''];
    const value = Number(part.slice(1));
    if (key && Number.isFinite(value)) values[key] = value;
  }
  return values;
}

interface DeskDeps {
  /** The bot's API (with its retries), once the bot exists. */
  api: () => Api;
  chatId: number;
  sync: SyncService;
  rides: RideService;
  profiles: ProfileService;
  /** A ride was queued for analysis. */
  wakeAnalyses: () => void;
  logger: Logger;
}

/**
 * Runs syncs for the chat and reports them: the cron tick, /sync and a token
 * import all come here. The run is never awaited by an update handler (grammY
 * handles updates one at a time, so the chat stays responsive); one run at a time
 * in this process, and the database lock covers any other.
 */
export class SyncDesk {
  private running: { progress: SyncProgress | undefined; done: Promise<void> } | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly deps: DeskDeps) {}

  get progress(): SyncProgress | undefined {
    return this.running?.progress;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Starts a run unless one is going; `statusMessageId` is edited with its progress and result. */
  start(trigger: SyncTrigger, statusMessageId?: number): boolean {
    if (this.running || this.stopping.signal.aborted) return false;
    const run: { progress: SyncProgress | undefined; done: Promise<void> } = { progress: undefined, done: Promise.resolve() };
    this.running = run;
    run.done = this.execute(trigger, run, statusMessageId)
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'sync run failed'))
      .finally(() => {
        this.running = undefined;
      });
    return true;
  }

  /** Resolves when no run is going. */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  /** Shutdown: the activity being stored is finished, the rest stays pending for the next start. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  private async execute(trigger: SyncTrigger, run: { progress: SyncProgress | undefined }, statusMessageId: number | undefined): Promise<void> {
    const { chatId, sync, rides, profiles, logger } = this.deps;
    const api = this.deps.api();
    const timeZone = await profiles.timeZone();
    let lastEdit = 0;
    let shown = '';
    // edits one after another, so a late progress edit never lands over the result
    let editing = Promise.resolve();
    const show = (text: string, parseMode?: 'HTML') => {
      if (statusMessageId === undefined || text === shown) return editing;
      shown = text;
      lastEdit = Date.now();
      editing = editing.then(() =>
        api.editMessageText(chatId, statusMessageId, text, parseMode ? { parse_mode: parseMode } : {}).then(
          () => undefined,
          (error: unknown) => logger.debug({ err: error }, 'could not edit the sync status message'),
        ),
      );
      return editing;
    };
    const report = await sync.run(
      trigger,
      (progress) => {
        run.progress = progress;
        if (Date.now() - lastEdit >= PROGRESS_EDIT_MS || progress.done === progress.total) void show(`🔄 ${progressLine(progress)}`);
      },
      this.stopping.signal,
    );
    if (this.stopping.signal.aborted) return;
    if (statusMessageId !== undefined) await show(report.outcomes.length === 0 ? NO_SOURCES : resultText(report, timeZone).value, 'HTML');

    for (const outcome of report.outcomes) {
      const notice = noticeText(outcome, timeZone);
      if (notice) await api.sendMessage(chatId, notice);
    }
    if (report.batch) {
      const stored = await rides.summaries(report.newRides);
      const analysed = report.outcomes.reduce((n, o) => n + o.analysed, 0);
      await api.sendMessage(chatId, backfillSummary(stored, analysed, timeZone).value, { parse_mode: 'HTML' });
    } else {
      for (const id of report.newRides) {
        const stored = await rides.get(id);
        if (stored) await sendRide(api, chatId, stored, profiles);
      }
    }
    await sync.markAnnounced(report.newRides);
    for (const outcome of report.outcomes) {
      if (!outcome.offer) continue;
      const keyboard = new InlineKeyboard().text('Use these', cb.accept(outcome.source, outcome.offer)).text('Keep mine', cb.keep(outcome.source));
      await api.sendMessage(chatId, thresholdOfferText(outcome.source, outcome.offer).value, { parse_mode: 'HTML', reply_markup: keyboard });
    }
    if (report.newRides.length > 0) this.deps.wakeAnalyses();
  }
}

interface SyncFeatureDeps {
  config: Config;
  desk: SyncDesk;
  sync: SyncService;
  profiles: ProfileService;
  questions: PendingQuestions;
  garminTokens: GarminTokenStore;
}

/**
 * /sync on demand; /garmin for the Garmin connection and for tokens made
 * elsewhere (the two files, or their text pasted), whose messages are deleted
 * once read; the buttons under a thresholds offer.
 */
export function syncFeature(deps: SyncFeatureDeps): Composer<BotContext> {
  const { config, desk, sync, profiles, questions, garminTokens } = deps;
  const feature = new Composer<BotContext>();
  // one half of a token pair waiting for the other (never written anywhere)
  let heldPart: { text: string; at: number } | undefined;

  feature.command('sync', async (ctx) => {
    const timeZone = await profiles.timeZone();
    const health = await sync.health();
    if (health.length === 0) {
      await ctx.reply(NO_SOURCES);
      return;
    }
    // every source paused: one short line each, the advice was given when the pause began
    // (asked first: a cron tick that only finds the pause must not answer for it)
    if (health.every((h) => h.cooldownUntil)) {
      await ctx.reply(health.map((h) => cooldownLine(h.source, h.cooldownUntil!, timeZone)).join('\n'));
      return;
    }
    if (desk.busy) {
      await ctx.reply(`A sync is already running${desk.progress ? ` — ${progressLine(desk.progress)}` : ''}.`);
      return;
    }
    const status = await ctx.reply(startingText(health.map((h) => h.source)));
    desk.start('command', status.message_id);
  });

  feature.command('garmin', async (ctx) => {
    const timeZone = await profiles.timeZone();
    const info = await garminTokens.info();
    const health = (await sync.health()).filter((h) => h.source === 'garmin');
    const tokens = info.present
      ? html`Tokens: saved${info.savedAt ? ` ${formatDateTime(info.savedAt, timeZone)}` : ''}${
          info.refreshExpiresAt ? `; the refresh token runs until ${formatDateTime(info.refreshExpiresAt, timeZone)}` : ''
        }.`
      : html`Tokens: none yet${config.garmin ? ' (I log in with GARMIN_USERNAME and GARMIN_PASSWORD at the next sync)' : ''}.`;
    await questions.ask({ kind: 'garmin_tokens', subject: '' });
    await ctx.reply(
      joinHtml([
        html`<b>Garmin Connect</b>`,
        tokens,
        ...sourceHealthLines(health, timeZone),
        html`Since 2026 Garmin often refuses logins from servers; tokens made on a computer where the login works keep working for months.`,
        html`To use such tokens, send the two files <code>oauth1_token.json</code> and <code>oauth2_token.json</code> here (or paste their text, or a garth token string). I delete those messages as soon as I have read them. /cancel if you do not want to.`,
      ]).value,
      { parse_mode: 'HTML' },
    );
  });

  /** A token text arrived: delete its message, keep or pair it, and save a whole pair. */
  async function takeTokenText(ctx: BotContext, text: string): Promise<void> {
    const deleted = await ctx.deleteMessage().then(
      () => true,
      (error: unknown) => {
        ctx.logger.warn({ err: error instanceof GrammyError ? error.description : String(error) }, 'could not delete a token message');
        return false;
      },
    );
    const unless = deleted ? '' : ' I could not delete your message: please delete it yourself.';
    const held = heldPart && Date.now() - heldPart.at < TOKEN_PART_TTL_MS ? heldPart : undefined;
    let tokens;
    try {
      tokens = parseGarminTokens(held ? [held.text, text] : [text]);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      if (!held && isOneTokenFile(text)) {
        heldPart = { text, at: Date.now() };
        await ctx.reply(`Got one of the two token files; now send the other.${unless}`);
        return;
      }
      heldPart = undefined;
      await ctx.reply(`${error.riderMessage}${unless}`);
      return;
    }
    heldPart = undefined;
    await garminTokens.save(tokens);
    await questions.clear();
    await sync.clearCooldown('garmin');
    ctx.logger.info('garmin tokens imported');
    const status = await ctx.reply(`Garmin tokens saved.${unless} Syncing now…`);
    if (!desk.start('command', status.message_id)) await ctx.reply('A sync is already running; the next one uses the new tokens.');
  }

  feature.on('message:document', async (ctx, next) => {
    const name = ctx.message.document.file_name ?? '';
    const asked = (await questions.current())?.kind === 'garmin_tokens';
    if (!TOKEN_FILE.test(name) && !(asked && /\.(json|txt)$/i.test(name))) return next();
    if ((ctx.message.document.file_size ?? 0) > 64 * 1024) {
      await ctx.reply('That is too big to be a Garmin token file: send oauth1_token.json and oauth2_token.json.');
      return;
    }
    const bytes = await downloadDocument(ctx, config);
    await takeTokenText(ctx, Buffer.from(bytes).toString('utf8'));
  });

  feature.on('message:text', async (ctx, next) => {
    // after /garmin, only what looks like token material is taken (and deleted): a question for the coach goes on
    if (!looksLikeTokens(ctx.message.text)) return next();
    if ((await questions.current())?.kind !== 'garmin_tokens') return next();
    await takeTokenText(ctx, ctx.message.text);
  });

  feature.callbackQuery(/^th:(?:n:(?:garmin|intervals)|y:(?:garmin|intervals):([a-z0-9.,]+))$/, async (ctx) => {
    const values = ctx.match[1];
    const text = values ? thresholdAppliedText(await sync.acceptThresholds(offeredValues(values))) : 'Kept your numbers.';
    await ctx.answerCallbackQuery({ text: text.slice(0, 190) });
    await ctx.editMessageReplyMarkup({ reply_markup: new InlineKeyboard() }).catch((error: unknown) => {
      ctx.logger.debug({ err: error }, 'could not remove the thresholds buttons');
    });
    await ctx.reply(text);
  });

  return feature;
}

/** JSON, or one long unbroken string (garth's base64 dump). */
function looksLikeTokens(text: string): boolean {
  const t = text.trim();
  return /^[[{]/.test(t) || /^[A-Za-z0-9+/=_-]{40,}$/.test(t);
}

/** One of the two files (oauth1 or oauth2) on its own, so its partner can follow. */
function isOneTokenFile(text: string): boolean {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return typeof value === 'object' && value !== null && ('oauth_token' in value || 'access_token' in value);
  } catch {
    return false;
  }
}
