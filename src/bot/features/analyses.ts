import { Composer, GrammyError, InlineKeyboard, type Api } from 'grammy';
import { mondayOf } from '../../domain/calendar.ts';
import { localDay } from '../../domain/load.ts';
import { changedDays } from '../../domain/plan/diff.ts';
import type { AnalysisDecision, AnalysisRow, Analyses } from '../../services/analyses.ts';
import type { DeliverAnalysis } from '../../services/analysis-worker.ts';
import type { PendingQuestions } from '../../services/questions.ts';
import { isCycling } from '../../services/rides.ts';
import { analysisMessage } from '../analysis-view.ts';
import type { BotContext } from '../context.ts';
import { html, type Html } from '../html.ts';
import { weekToShow } from '../plan-view.ts';
import { showWeek, type PlansDeps } from './plans.ts';

/** Callback data: the analysis id only. */
const analysisCb = {
  approve: (id: number) => `an:a:${id}`,
  reject: (id: number) => `an:x:${id}`,
  again: (id: number) => `an:r:${id}`,
};
const QUESTION_KIND = 'reject_reason';

export interface AnalysesDeps extends PlansDeps {
  analyses: Analyses;
  questions: PendingQuestions;
  /** Wakes the worker when a ride is queued. */
  wake: () => void;
}

/** Approve / Reject while the change waits for the rider (and is not out of date); Re-analyse on every analysis. */
export function analysisKeyboard(row: AnalysisRow, open = row.draft !== null && row.approved === null): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (open) keyboard.text('✅ Approve', analysisCb.approve(row.id)).text('✖️ Reject', analysisCb.reject(row.id)).row();
  return keyboard.text('🔄 Re-analyse', analysisCb.again(row.id));
}

/**
 * How the worker puts an analysis in the owner's chat. A message Telegram
 * refuses for good (400) would hold the queue forever if retried: the rider
 * gets one plain line instead, with Re-analyse (never Approve for a change
 * they could not read). 429, 5xx and network errors go back to the worker to retry.
 */
export function analysisSender(api: Api, chatId: number, deps: Pick<AnalysesDeps, 'rides' | 'profiles'>): DeliverAnalysis {
  return async (row) => {
    const ride = await deps.rides.get(row.workoutId);
    if (!ride) throw new Error(`ride ${row.workoutId} is gone`);
    const today = localDay(Date.now(), await deps.profiles.timeZone());
    try {
      const message = await api.sendMessage(chatId, analysisMessage({ row, ride, today }), { parse_mode: 'HTML', reply_markup: analysisKeyboard(row) });
      return message.message_id;
    } catch (error) {
      if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
      const text = `Ride ${row.workoutId} is analysed, but Telegram refused to show the analysis (${error.description}). 🔄 Re-analyse makes a new one.`;
      return (await api.sendMessage(chatId, text, { reply_markup: analysisKeyboard(row, false) })).message_id;
    }
  };
}

/**
 * The rider's side of the analysis loop: Approve makes the plan version once,
 * Reject keeps the decision and asks why, Re-analyse and /analyse N queue a
 * fresh analysis against today's plan (the old one is kept).
 */
export function analysesFeature(deps: AnalysesDeps): Composer<BotContext> {
  const { analyses, rides, profiles, questions } = deps;
  const feature = new Composer<BotContext>();
  const today = async () => localDay(Date.now(), await profiles.timeZone());

  /** The analysis message as it stands now, with its verdict and the buttons still useful. */
  async function redraw(ctx: BotContext, id: number, verdict: Html, open?: boolean): Promise<void> {
    const row = await analyses.get(id);
    const ride = row && (await rides.get(row.workoutId));
    if (!row || !ride) return;
    await ctx
      .editMessageText(analysisMessage({ row, ride, today: await today(), verdict }), { parse_mode: 'HTML', reply_markup: analysisKeyboard(row, open) })
      .catch((error: unknown) => {
        // a second tap on a message already in this state
        if (!String((error as Error).message).includes('message is not modified')) throw error;
      });
  }

  feature.callbackQuery(/^an:a:(\d+)$/, async (ctx) => {
    const id = Number(ctx.match[1]);
    const day = await today();
    const outcome = await analyses.approve(id, day);
    await ctx.answerCallbackQuery({ text: answerText(outcome) });
    switch (outcome.kind) {
      case 'saved': {
        const again = outcome.reapplied ? html` The plan had moved on since, so I made the same change on today’s plan.` : '';
        await redraw(ctx, id, html`✅ <b>Approved — plan v${outcome.version}.</b>${again}`);
        const changed = outcome.before ? changedDays(outcome.before, outcome.plan).find((d) => d >= day) : undefined;
        await showWeek(ctx, deps, { version: outcome.version, plan: outcome.plan }, changed ? mondayOf(changed) : weekToShow(outcome.plan, day), day, 'new');
        return;
      }
      case 'decided':
        await redraw(ctx, id, outcome.approved ? html`✅ <b>Approved — plan v${outcome.version ?? '?'}.</b>` : html`✖️ <b>Rejected</b> — the plan stays as it was.`);
        return;
      case 'stale':
        await redraw(
          ctx,
          id,
          html`⏳ <b>Out of date:</b> the plan moved on${outcome.currentVersion ? html` to v${outcome.currentVersion}` : ''} (or the days it changes are past), and this change no longer fits it. 🔄 Re-analyse makes a fresh one.`,
          false,
        );
        return;
      case 'unknown':
        return;
    }
  });

  feature.callbackQuery(/^an:x:(\d+)$/, async (ctx) => {
    const id = Number(ctx.match[1]);
    const outcome = await analyses.reject(id);
    switch (outcome.kind) {
      case 'rejected':
        await ctx.answerCallbackQuery({ text: 'Rejected' });
        await redraw(ctx, id, html`✖️ <b>Rejected</b> — the plan stays as it was.`);
        await questions.ask({ kind: QUESTION_KIND, subject: String(id) });
        await ctx.reply('Why not? A few words help the coach next time (e.g. "I prefer intervals on Tuesdays"). Or just carry on; /cancel skips it.');
        return;
      case 'decided':
        await ctx.answerCallbackQuery({ text: outcome.approved ? 'It was approved already' : 'Already rejected' });
        return;
      case 'unknown':
        await ctx.answerCallbackQuery({ text: 'This analysis proposes nothing to decide.' });
    }
  });

  // the reason after a Reject: the next plain text while the question is open
  feature.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    const question = await questions.current();
    if (question?.kind !== QUESTION_KIND) return next();
    await analyses.setRejectReason(Number(question.subject), ctx.message.text);
    await questions.clear();
    await ctx.reply('Noted. The coach sees it with your next rides.');
  });

  async function queue(ctx: BotContext, rideId: number): Promise<void> {
    const ride = await rides.get(rideId);
    if (!ride) return void (await ctx.reply(`There is no ride ${rideId}. /rides lists yours.`));
    if (!isCycling(ride)) return void (await ctx.reply(`Activity ${rideId} (${ride.metrics.sport}) is not a ride: it counts for your training load, but I only analyse rides.`));
    await analyses.queue(rideId);
    deps.wake();
    await ctx.reply(`Analysing ride ${rideId} against today’s plan; it comes as its own message.`);
  }

  feature.callbackQuery(/^an:r:(\d+)$/, async (ctx) => {
    const row = await analyses.get(Number(ctx.match[1]));
    if (!row) return void (await ctx.answerCallbackQuery({ text: 'This analysis no longer exists.' }));
    await ctx.answerCallbackQuery({ text: `Analysing ride ${row.workoutId} again` });
    await queue(ctx, row.workoutId);
  });

  feature.command('analyse', async (ctx) => {
    const arg = ctx.match.trim();
    if (arg && !/^\d+$/.test(arg)) return void (await ctx.reply('Send the ride number: /analyse 12 (/rides lists them), or /analyse for the last ride.'));
    const rideId = arg ? Number(arg) : (await rides.list(0, 1)).rides[0]?.id;
    if (rideId === undefined) return void (await ctx.reply('No rides yet — send a .fit file from your bike computer.'));
    await queue(ctx, rideId);
  });

  return feature;
}

function answerText(outcome: AnalysisDecision): string {
  switch (outcome.kind) {
    case 'saved':
      return `Plan v${outcome.version} saved`;
    case 'decided':
      return outcome.approved ? `Already approved: plan v${outcome.version ?? '?'}` : 'Already rejected';
    case 'stale':
      return 'The plan changed since';
    case 'unknown':
      return 'This analysis proposes nothing to approve.';
  }
}
