import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { renderPlanWeek } from '../../charts/plan-week.ts';
import { addDays } from '../../domain/calendar.ts';
import { dateWords, duration } from '../../domain/coach/words.ts';
import { diffPlans } from '../../domain/plan/diff.ts';
import { localDay } from '../../domain/load.ts';
import type { Plan } from '../../domain/plan/plan.ts';
import type { GoalService } from '../../services/goal.ts';
import type { Planner, BuildOutcome } from '../../services/planner.ts';
import type { PlanBook } from '../../services/plans.ts';
import type { ProfileService } from '../../services/profile.ts';
import type { RideService } from '../../services/rides.ts';
import type { RouteLibrary } from '../../services/routes.ts';
import type { BotContext } from '../context.ts';
import { formatDateTime } from '../format.ts';
import { html, joinHtml, type Html } from '../html.ts';
import { pairedButtons } from '../keyboards.ts';
import { proposalMessage, violationLines, weekCaption, weekDays, weekToShow } from '../plan-view.ts';
import { GOAL_DIALOG } from './goal.ts';

/** Callback data: only ids, versions and dates, well under Telegram's 64 bytes. */
export const planCb = {
  approve: (proposalId: number) => `pl:a:${proposalId}`,
  reject: (proposalId: number) => `pl:x:${proposalId}`,
  week: (monday: string) => `pl:w:${monday}`,
  restore: (version: number) => `pl:r:${version}`,
  setGoal: 'pl:goal',
  noGoal: 'pl:nogoal',
};
const HISTORY_ROWS = 15;
const RESTORE_BUTTONS = 8;

export function approveKeyboard(proposalId: number): InlineKeyboard {
  return new InlineKeyboard().text('✅ Approve', planCb.approve(proposalId)).text('✖️ Reject', planCb.reject(proposalId));
}

export interface PlansDeps {
  plans: PlanBook;
  planner: Planner;
  goals: GoalService;
  rides: RideService;
  routes: RouteLibrary;
  profiles: ProfileService;
}

/**
 * Plans from the chat: /plan_new proposes (Approve / Reject), /plan shows a week
 * with its chart, /plan_history lists versions with a rollback button each,
 * /plan_diff A B shows what changed. Every save is a new version.
 */
export function plansFeature(deps: PlansDeps): Composer<BotContext> {
  const { plans, planner, goals, profiles } = deps;
  const feature = new Composer<BotContext>();
  const today = async () => localDay(Date.now(), await profiles.timeZone());

  async function build(ctx: BotContext, withoutGoal: boolean): Promise<void> {
    const goal = (await goals.get()) ?? (withoutGoal ? await planner.defaultGoal() : undefined);
    if (!goal) {
      await ctx.reply('You have no goal set yet. Set one (an event, or none, and the time you have), or go on with a general plan on what you rode lately.', {
        reply_markup: new InlineKeyboard().text('🎯 Set a goal', planCb.setGoal).text('Go on without', planCb.noGoal),
      });
      return;
    }
    await ctx.replyWithChatAction('typing');
    const outcome = await planner.build(goal);
    await sendProposal(ctx, plans, outcome, await today());
  }

  feature.command('plan_new', (ctx) => build(ctx, false));
  feature.callbackQuery(planCb.noGoal, async (ctx) => {
    await ctx.answerCallbackQuery();
    await build(ctx, true);
  });
  feature.callbackQuery(planCb.setGoal, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(GOAL_DIALOG);
  });

  feature.callbackQuery(/^pl:a:(\d+)$/, async (ctx) => {
    const day = await today();
    const outcome = await plans.approve(Number(ctx.match[1]), day);
    switch (outcome.kind) {
      case 'saved':
        await ctx.answerCallbackQuery({ text: `Plan v${outcome.version} saved` });
        await closeProposal(ctx, html`✅ <b>Approved — plan v${outcome.version}.</b>`);
        await showWeek(ctx, deps, { version: outcome.version, plan: outcome.plan }, weekToShow(outcome.plan, day), day, 'new');
        return;
      case 'decided':
        await ctx.answerCallbackQuery({ text: outcome.proposal.status === 'approved' ? `Already approved: plan v${outcome.version}` : 'Already rejected' });
        await closeProposal(ctx, outcome.proposal.status === 'approved' ? html`✅ <b>Approved — plan v${outcome.version ?? '?'}.</b>` : html`✖️ <b>Rejected.</b>`);
        return;
      case 'stale':
        await ctx.answerCallbackQuery({ text: 'The plan changed since' });
        await closeProposal(ctx, html`⏳ <b>Out of date:</b> the plan moved on to v${outcome.currentVersion} since this was proposed. Send /plan_new for a fresh one.`);
        return;
      case 'refused':
        await ctx.answerCallbackQuery({ text: 'It breaks your rules now' });
        await closeProposal(ctx, joinHtml([html`⛔ <b>Not saved:</b> your rules changed since, and this plan breaks them:`, ...violationLines(outcome.violations), html`Send /plan_new for one that keeps them.`]));
        return;
      case 'unknown':
        await ctx.answerCallbackQuery({ text: 'This proposal no longer exists.' });
    }
  });

  feature.callbackQuery(/^pl:x:(\d+)$/, async (ctx) => {
    const proposal = await plans.reject(Number(ctx.match[1]));
    if (!proposal) return void (await ctx.answerCallbackQuery({ text: 'This proposal no longer exists.' }));
    await ctx.answerCallbackQuery({ text: proposal.status === 'approved' ? 'It was approved already' : 'Rejected' });
    await closeProposal(ctx, proposal.status === 'approved' ? html`✅ <b>Approved earlier.</b>` : html`✖️ <b>Rejected</b> — the plan stays as it was.`);
  });

  feature.command('plan', async (ctx) => {
    const current = await plans.current();
    if (!current) return void (await ctx.reply('There is no plan yet. /plan_new builds one (/goal first, to aim it at an event).'));
    const day = await today();
    await showWeek(ctx, deps, current, weekToShow(current.plan, day), day, 'new');
  });
  feature.callbackQuery(/^pl:w:(\d{4}-\d{2}-\d{2})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const current = await plans.current();
    if (!current) return;
    await showWeek(ctx, deps, current, ctx.match[1]!, await today(), 'edit');
  });

  feature.command('plan_history', async (ctx) => {
    const [rows, tz] = await Promise.all([plans.history(HISTORY_ROWS), profiles.timeZone()]);
    if (rows.length === 0) return void (await ctx.reply('There is no plan yet. /plan_new builds one.'));
    const keyboard = pairedButtons(rows.slice(1, 1 + RESTORE_BUTTONS).map((r) => ({ label: `↩ Back to v${r.version}`, data: planCb.restore(r.version) })));
    await ctx.reply(
      joinHtml([
        html`<b>Plan versions</b>, newest first:`,
        ...rows.map((r, i) => html`${i === 0 ? '▶ ' : ''}<b>v${r.version}</b> · ${formatDateTime(r.createdAt, tz)} · ${r.reason ?? ''}`),
        html``,
        html`<code>/plan_diff ${Math.max(1, rows[0]!.version - 1)} ${rows[0]!.version}</code> shows what changed. Going back makes a new version; history is kept.`,
      ]).value,
      { parse_mode: 'HTML', reply_markup: keyboard },
    );
  });

  feature.callbackQuery(/^pl:r:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const version = Number(ctx.match[1]);
    const day = await today();
    const before = await plans.current();
    const outcome = await plans.restore(version, day);
    switch (outcome.kind) {
      case 'saved': {
        const changes = before ? diffPlans(before.plan, outcome.plan, day) : [];
        await ctx.reply(joinHtml([html`↩ Back to v${version}: saved as <b>plan v${outcome.version}</b>.`, ...changes.slice(0, 30).map((c) => html`• ${c}`)]).value, { parse_mode: 'HTML' });
        return;
      }
      case 'proposed': {
        const message = await ctx.reply(
          proposalMessage({ title: html`<b>Back to v${version}</b>, repaired for your rules today:`, plan: outcome.proposal.payload as Plan, current: before?.plan, repairs: outcome.repairs, today: day }),
          { parse_mode: 'HTML', reply_markup: approveKeyboard(outcome.proposal.id) },
        );
        await plans.rememberMessage(outcome.proposal.id, message.message_id);
        return;
      }
      case 'refused':
        await ctx.reply(joinHtml([html`⛔ v${version} breaks your rules as they are now, so I did not bring it back:`, ...violationLines(outcome.violations)]).value, { parse_mode: 'HTML' });
        return;
      case 'unknown':
        await ctx.reply(`There is no plan v${version}.`);
    }
  });

  feature.command('plan_diff', async (ctx) => {
    const [a, b] = ctx.match.trim().split(/\s+/).map(Number);
    if (!a || !b || !Number.isInteger(a) || !Number.isInteger(b)) return void (await ctx.reply('Send two versions: /plan_diff 2 3 (see /plan_history).'));
    const [from, to] = await Promise.all([plans.get(a), plans.get(b)]);
    if (!from || !to) return void (await ctx.reply(`There is no plan v${!from ? a : b}; /plan_history lists them.`));
    const changes = diffPlans(from.plan, to.plan, await today());
    await ctx.reply(
      joinHtml([html`<b>v${a} → v${b}</b>${to.reason ? html` (${to.reason})` : ''}:`, ...(changes.length ? changes.slice(0, 60).map((c) => html`• ${c}`) : [html`No differences.`])]).value,
      { parse_mode: 'HTML' },
    );
  });

  return feature;
}

/** Shows a proposal with Approve / Reject and remembers its message. */
export async function sendProposal(ctx: BotContext, plans: PlanBook, outcome: BuildOutcome, today: string): Promise<void> {
  const current = await plans.current();
  const author = outcome.author === 'ai' ? 'by the AI' : 'by the built-in coach';
  const notes: Html[] = [];
  if (outcome.notice) notes.push(html`ℹ️ ${outcome.notice}`);
  if (outcome.aiViolations?.length) notes.push(html`The AI’s plan broke:`, ...violationLines(outcome.aiViolations));
  const weeks = outcome.plan.weeks.length;
  const message = await ctx.reply(
    proposalMessage({
      title: html`<b>New plan</b> ${author}: ${weeks} week${weeks === 1 ? '' : 's'}, ${dateWords(outcome.plan.startDate, today)} to ${dateWords(outcome.plan.endDate, today)}.`,
      plan: outcome.plan,
      current: current?.plan,
      repairs: outcome.repairs,
      today,
      notes,
    }),
    { parse_mode: 'HTML', reply_markup: approveKeyboard(outcome.proposal.id) },
  );
  await plans.rememberMessage(outcome.proposal.id, message.message_id);
}

/** The decision replaces the buttons under the proposal, which keeps its text. */
async function closeProposal(ctx: BotContext, verdict: Html): Promise<void> {
  const message = ctx.callbackQuery?.message;
  if (!message || !('text' in message) || message.text === undefined) return;
  const kept = message.text.length > 3000 ? `${message.text.slice(0, 3000)}…` : message.text;
  await ctx
    .editMessageText(joinHtml([verdict, html``, html`${kept}`]).value, { parse_mode: 'HTML' })
    .catch((error: unknown) => {
      // a second tap on an already closed message: nothing left to edit
      if (!String((error as Error).message).includes('message is not modified')) throw error;
    });
}

/** The week of `monday`: chart of planned vs ridden load, the days in the caption, buttons to the weeks either side. */
export async function showWeek(ctx: BotContext, deps: PlansDeps, current: { version: number; plan: Plan }, monday: string, today: string, mode: 'new' | 'edit'): Promise<void> {
  const { plan } = current;
  const tz = await deps.profiles.timeZone();
  const completed = await deps.rides.loadsByDay(monday, addDays(monday, 6), tz);
  const days = weekDays(plan, monday, completed);
  const png = await renderPlanWeek({
    title: `Week of ${dateWords(monday, today)}: planned and ridden`,
    days: days.map((d) => ({ label: dateWords(d.date, today).slice(0, 6).trim(), plannedTss: d.plannedTss, completedTss: d.completedTss, today: d.date === today })),
  });
  const ftpW = (await deps.goals.get())?.ftpW ?? (await deps.profiles.resolved()).profile.ftpW;
  const caption = weekCaption({ version: current.version, plan, monday, today, completed, ftpW, goalLine: await goalLine(deps, plan) });
  const keyboard = new InlineKeyboard();
  const first = plan.weeks[0]!.weekStart;
  const last = plan.weeks[plan.weeks.length - 1]!.weekStart;
  if (monday > first) keyboard.text('◀ Previous week', planCb.week(addDays(monday, -7)));
  if (monday < last) keyboard.text('Next week ▶', planCb.week(addDays(monday, 7)));
  const photo = new InputFile(png, `plan-${monday}.png`);
  if (mode === 'edit') {
    await ctx.editMessageMedia({ type: 'photo', media: photo, caption, parse_mode: 'HTML' }, { reply_markup: keyboard });
  } else {
    await ctx.replyWithPhoto(photo, { caption, parse_mode: 'HTML', reply_markup: keyboard });
  }
}

/** The goal's route at today's FTP and weight, and how the prediction moved since the plan began. */
async function goalLine(deps: PlansDeps, plan: Plan): Promise<Html | undefined> {
  if (!plan.goal) return undefined;
  const prediction = plan.goal.routeId ? await deps.routes.predict(plan.goal.routeId) : undefined;
  if (!prediction) return html`🎯 ${plan.goal.event}, ${plan.goal.date}.`;
  const before = plan.basis?.predictedFinishS ?? null;
  const moved = before === null ? '' : Math.abs(prediction.estTimeS - before) < 60 ? ' (as when the plan began)' : ` (${prediction.estTimeS < before ? '−' : '+'}${duration(Math.abs(prediction.estTimeS - before))} since the plan began)`;
  return html`🎯 ${plan.goal.event}: ${duration(prediction.estTimeS)} predicted on ${prediction.name} at your FTP and weight today${moved}.`;
}
