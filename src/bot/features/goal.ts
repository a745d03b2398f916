import { createConversation, type Conversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard, type Context } from 'grammy';
import { WEEKDAYS, type Weekday } from '../../domain/calendar.ts';
import { dateWords } from '../../domain/coach/words.ts';
import { parseEventDate, parseRidingDays, parseWeeklyHours, type Answer } from '../../domain/plan/goal-answers.ts';
import type { Goal, GoalService } from '../../services/goal.ts';
import { QUESTION_TTL_MS } from '../../services/questions.ts';
import type { RouteLibrary } from '../../services/routes.ts';
import type { BotContext } from '../context.ts';
import { html, joinHtml, type Html } from '../html.ts';

export const GOAL_DIALOG = 'goal';
/** Saved routes offered as buttons, newest first. */
const ROUTE_BUTTONS = 8;
const cb = {
  noEvent: 'gl:none',
  route: (id: number | 'none') => `gl:r:${id}`,
  hours: (h: number) => `gl:h:${h}`,
  day: (d: Weekday) => `gl:d:${d}`,
  daysDone: 'gl:dd',
  keepFtp: 'gl:f',
};
const DAY_BUTTON: Record<Weekday, string> = { monday: 'Mon', tuesday: 'Tue', wednesday: 'Wed', thursday: 'Thu', friday: 'Fri', saturday: 'Sat', sunday: 'Sun' };

export interface GoalDialogDeps {
  goals: GoalService;
  routes: RouteLibrary;
  /** Today in the rider's zone, and the profile's FTP. */
  today(): Promise<string>;
  profileFtp(): Promise<number>;
}

type Dialog = Conversation<BotContext, Context>;

/**
 * The goal dialog (@grammyjs/conversations): event name and date, optionally a
 * saved route, hours a week, riding days, the FTP to plan with. Its state is in
 * our database, so a restart mid-dialog resumes; /cancel leaves it, another
 * command leaves it and runs; files and other buttons pass through to their features.
 */
export function goalFeature(deps: GoalDialogDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.use(createConversation<BotContext, Context>((c, ctx) => goalDialog(c, ctx, deps), { id: GOAL_DIALOG, maxMillisecondsToWait: 2 * QUESTION_TTL_MS }));
  feature.command('goal', async (ctx) => {
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(GOAL_DIALOG);
  });
  return feature;
}

/** What the goal reads as, for /goal, /plan and the dialog's end. */
export function goalSummary(goal: Goal, today: string): Html {
  const days = goal.days.length === 7 ? 'any day' : goal.days.map((d) => DAY_BUTTON[d]).join(' ');
  return joinHtml([
    goal.event ? html`<b>${goal.event.name}</b> on ${dateWords(goal.event.date, today)}` : html`<b>No event</b>: general fitness`,
    html`${goal.hoursPerWeek} h a week, on ${days}${goal.ftpW ? html`, planned at FTP ${goal.ftpW} W` : ''}`,
  ]);
}

async function goalDialog(conversation: Dialog, ctx: Context, deps: GoalDialogDeps): Promise<void> {
  const today = await conversation.external(() => deps.today());
  const current = await conversation.external(() => deps.goals.get());
  await ctx.reply(
    joinHtml([
      html`<b>Your goal</b> (/cancel to stop; nothing changes until the last answer).`,
      ...(current ? [html`Now: ${goalSummary(current, today)}.`] : []),
      html``,
      html`What is the event called? Or tap <i>No event</i> for a general fitness plan.`,
    ]).value,
    { parse_mode: 'HTML', reply_markup: new InlineKeyboard().text('No event', cb.noEvent) },
  );
  let event: Goal['event'] = null;
  const first = await answer(conversation, [cb.noEvent]);
  if (first.text !== undefined) {
    const name = first.text.slice(0, 120);
    await ctx.reply(html`When is ${name}? Send the date, e.g. 2027-05-17 or 17 May.`.value, { parse_mode: 'HTML' });
    const date = await ask(conversation, ctx, (t) => parseEventDate(t, today));
    const routes = await conversation.external(async () => (await deps.routes.list(0, 1000)).routes.slice(-ROUTE_BUTTONS).reverse().map((r) => ({ id: r.id, name: r.name })));
    let routeId: number | null = null;
    if (routes.length > 0) {
      const keyboard = new InlineKeyboard();
      routes.forEach((r) => keyboard.text(r.name.slice(0, 40), cb.route(r.id)).row());
      keyboard.text('No route', cb.route('none'));
      await ctx.reply(`Is it one of your saved routes? Then I can predict your time on it and train for its climbs.`, { reply_markup: keyboard });
      const picked = await answer(conversation, [...routes.map((r) => cb.route(r.id)), cb.route('none')], 'Tap one of the routes, or No route.');
      routeId = picked.data === cb.route('none') ? null : Number(picked.data!.split(':')[2]);
    }
    event = { name, date, routeId };
  }

  await ctx.reply('How many hours a week can you train? Tap or send a number, e.g. 7.5.', {
    reply_markup: new InlineKeyboard().text('4 h', cb.hours(4)).text('6 h', cb.hours(6)).text('8 h', cb.hours(8)).text('10 h', cb.hours(10)).text('12 h', cb.hours(12)),
  });
  const hoursPerWeek = await ask(conversation, ctx, parseWeeklyHours, [4, 6, 8, 10, 12].map(cb.hours), (data) => Number(data.split(':')[2]));

  const days = await askDays(conversation, ctx, current?.days ?? [...WEEKDAYS]);

  const profileFtp = await conversation.external(() => deps.profileFtp());
  await ctx.reply(`Which FTP should I plan with? Tap to keep your profile's ${profileFtp} W, or send a number of watts.`, {
    reply_markup: new InlineKeyboard().text(`Keep ${profileFtp} W`, cb.keepFtp),
  });
  const ftpW = await ask<number | null>(conversation, ctx, parseFtp, [cb.keepFtp], () => null);
  const goal: Goal = { event, hoursPerWeek, days, ftpW };
  await conversation.external(() => deps.goals.save(goal));
  await ctx.reply(joinHtml([html`Goal saved: ${goalSummary(goal, today)}.`, html`Send /plan_new to build a plan to it.`]).value, { parse_mode: 'HTML' });
}

function parseFtp(text: string): Answer<number> {
  const w = Number(/^\s*(\d{2,3})\s*(?:w|watts?)?\s*$/i.exec(text)?.[1]);
  return Number.isInteger(w) && w >= 50 && w <= 600 ? { ok: true, value: w } : { ok: false, message: 'Send your FTP in watts, from 50 to 600, or tap Keep.' };
}

interface Reply {
  text?: string;
  data?: string;
}

/**
 * The rider's next text or tap on one of `buttons`. /cancel ends the dialog;
 * any other command ends it and runs; other updates (a ride file, an older
 * message's button) go on to their features while the dialog keeps waiting.
 */
async function answer(conversation: Dialog, buttons: string[], pressHint?: string): Promise<Reply> {
  for (;;) {
    const next = await conversation.wait();
    const text = next.message?.text;
    if (text?.startsWith('/')) {
      if (/^\/cancel(@\w+)?\b/.test(text)) {
        await next.reply('OK, I left the goal setup; your goal is unchanged.');
        await conversation.halt();
      }
      await conversation.halt({ next: true });
    }
    if (text !== undefined) {
      if (pressHint) {
        await next.reply(pressHint);
        continue;
      }
      return { text: text.trim() };
    }
    const data = next.callbackQuery?.data;
    if (data !== undefined && buttons.includes(data)) {
      await next.answerCallbackQuery();
      return { data };
    }
    await conversation.skip({ next: true });
  }
}

/** Asks until the typed answer parses, or one of `buttons` is tapped. */
async function ask<T>(
  conversation: Dialog,
  ctx: Context,
  parse: (text: string) => Answer<T>,
  buttons: string[] = [],
  buttonValue: (data: string) => T = () => {
    throw new Error('no buttons');
  },
): Promise<T> {
  for (;;) {
    const reply = await answer(conversation, buttons);
    if (reply.data !== undefined) return buttonValue(reply.data);
    const parsed = parse(reply.text!);
    if (parsed.ok) return parsed.value;
    await ctx.reply(parsed.message);
  }
}

/** Riding days: buttons that toggle, then Done; or the days as text. */
async function askDays(conversation: Dialog, ctx: Context, initial: Weekday[]): Promise<Weekday[]> {
  const chosen = new Set<Weekday>(initial);
  const keyboard = () => {
    const k = new InlineKeyboard();
    WEEKDAYS.forEach((d, i) => {
      k.text(`${chosen.has(d) ? '✅' : '▫️'} ${DAY_BUTTON[d]}`, cb.day(d));
      if (i === 3) k.row();
    });
    return k.row().text('Done', cb.daysDone);
  };
  const message = await ctx.reply('Which days can you ride? Tap to switch days on and off, then Done; or send them, e.g. Tue Thu Sat Sun.', { reply_markup: keyboard() });
  for (;;) {
    const reply = await answer(conversation, [...WEEKDAYS.map(cb.day), cb.daysDone]);
    if (reply.text !== undefined) {
      const parsed = parseRidingDays(reply.text);
      if (parsed.ok) return parsed.value;
      await ctx.reply(parsed.message);
      continue;
    }
    if (reply.data === cb.daysDone) {
      if (chosen.size > 0) return WEEKDAYS.filter((d) => chosen.has(d));
      await ctx.reply('Switch on at least one day.');
      continue;
    }
    const day = reply.data!.split(':')[2] as Weekday;
    if (chosen.has(day)) chosen.delete(day);
    else chosen.add(day);
    await ctx.api.editMessageReplyMarkup(message.chat.id, message.message_id, { reply_markup: keyboard() });
  }
}
