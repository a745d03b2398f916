import { Composer, InlineKeyboard } from 'grammy';
import { localDay } from '../../domain/load.ts';
import { describeRuleSet } from '../../domain/plan/rule-words.ts';
import { EMPTY_RULES, type RuleSet } from '../../domain/plan/rules.ts';
import type { PlanBook } from '../../services/plans.ts';
import type { ProfileService } from '../../services/profile.ts';
import type { PendingQuestions } from '../../services/questions.ts';
import type { RuleBook } from '../../services/rules.ts';
import type { BotContext } from '../context.ts';
import { formatDateTime } from '../format.ts';
import { html, joinHtml, type Html } from '../html.ts';
import { pairedButtons } from '../keyboards.ts';
import { proposalMessage, violationLines } from '../plan-view.ts';
import { approveKeyboard } from './plans.ts';

const cb = {
  save: (proposalId: number) => `rl:s:${proposalId}`,
  cancel: (proposalId: number) => `rl:c:${proposalId}`,
  restore: (version: number) => `rl:r:${version}`,
  write: 'rl:w',
};
const QUESTION_KIND = 'rules';
const HISTORY_ROWS = 15;
const RESTORE_BUTTONS = 8;
const RULES_MAX_CHARS = 2000;

const bullets = (set: RuleSet): Html[] => describeRuleSet(set).map((line) => html`• ${line}`);

/**
 * The rider's rules in plain words: /rules shows them, /rules TEXT (or the answer
 * to the button's question) reads the words into rules shown for Save / Cancel,
 * /rules_history lists versions with a restore button each. A saved change
 * re-checks the plan in force and proposes the repair.
 */
export function rulesFeature(deps: { rules: RuleBook; plans: PlanBook; profiles: ProfileService; questions: PendingQuestions }): Composer<BotContext> {
  const { rules, plans, profiles, questions } = deps;
  const feature = new Composer<BotContext>();
  const today = async () => localDay(Date.now(), await profiles.timeZone());

  async function propose(ctx: BotContext, text: string): Promise<void> {
    if (text.length > RULES_MAX_CHARS) return void (await ctx.reply(`That is more than ${RULES_MAX_CHARS} characters: send your rules in a shorter message.`));
    const clear = /^(clear|none|reset|delete all|remove all)$/i.test(text.trim());
    if (!clear) await ctx.replyWithChatAction('typing');
    const reading = clear ? { understood: EMPTY_RULES, proposed: EMPTY_RULES, author: 'built-in' as const, problems: [] } : await rules.read(text);
    if (!clear && reading.understood.rules.length === 0 && reading.understood.notes.length === 0) {
      return void (await ctx.reply('I found no rule in that. Try e.g. “Monday is my rest day, at most 2 hard days a week, long ride on Sunday”.'));
    }
    const header = clear
      ? html`<b>Remove every rule?</b>`
      : joinHtml([
          html`<b>I read this as</b> (${reading.author === 'ai' ? 'by the AI' : 'by my phrase parser'}):`,
          ...(reading.understood.rules.length ? bullets({ rules: reading.understood.rules, notes: [] }) : [html`• no rule I can enforce`]),
          ...(reading.understood.notes.length ? [html`Kept as notes for the coach (not checked by code):`, ...reading.understood.notes.map((n) => html`• ${n}`)] : []),
        ]);
    const lines: Html[] = [
      ...('notice' in reading && reading.notice ? [html`ℹ️ ${reading.notice}`] : []),
      header,
      html``,
      html`<b>Your rules if saved:</b>`,
      ...(reading.proposed.rules.length || reading.proposed.notes.length ? bullets(reading.proposed) : [html`• none`]),
    ];
    if (reading.problems.length) {
      await ctx.reply(joinHtml([...lines, html``, html`⛔ <b>These cannot all hold:</b>`, ...reading.problems.map((p) => html`• ${p}`), html`Send them again without the contradiction.`]).value, { parse_mode: 'HTML' });
      return;
    }
    const proposal = await rules.propose(reading.proposed, text, clear ? 'Removed every rule' : 'Rules in your words');
    const message = await ctx.reply(joinHtml([...lines, html``, html`Nothing changes until you tap Save.`]).value, {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('💾 Save', cb.save(proposal.id)).text('Cancel', cb.cancel(proposal.id)),
    });
    await plans.rememberMessage(proposal.id, message.message_id);
  }

  /** After a change of rules: the plan in force must still keep them, or the rider sees the repair. */
  async function recheckPlan(ctx: BotContext, set: RuleSet, version: number): Promise<void> {
    const current = await plans.current();
    if (!current) return;
    const day = await today();
    const admitted = await plans.admit(current.plan, day, set);
    if (admitted.violations.length > 0) {
      await ctx.reply(
        joinHtml([html`⚠️ Plan v${current.version} breaks the new rules in ways I cannot repair:`, ...violationLines(admitted.violations), html`Send /plan_new for a plan that keeps them.`]).value,
        { parse_mode: 'HTML' },
      );
      return;
    }
    if (admitted.repairs.length === 0) {
      await ctx.reply(`Plan v${current.version} keeps the new rules; nothing to change.`);
      return;
    }
    const repaired = admitted.plan; // the basis (the numbers the plan began on) comes along
    const proposal = await plans.propose(repaired, `Repaired for rules v${version}`, admitted.repairs);
    const message = await ctx.reply(
      proposalMessage({ title: html`<b>Plan v${current.version} breaks the new rules.</b> Here is the repair:`, plan: repaired, current: current.plan, repairs: admitted.repairs, today: day }),
      { parse_mode: 'HTML', reply_markup: approveKeyboard(proposal.id) },
    );
    await plans.rememberMessage(proposal.id, message.message_id);
  }

  feature.command('rules', async (ctx) => {
    const text = ctx.match.trim();
    if (text) return propose(ctx, text);
    const active = await rules.active();
    const set = active?.rules ?? EMPTY_RULES;
    await ctx.reply(
      joinHtml([
        active ? html`<b>Your rules</b> (v${active.version}):` : html`<b>No rules yet.</b>`,
        ...bullets(set),
        html``,
        html`Write them in plain words: <code>/rules Monday is my rest day, at most 2 hard days a week, long ride on Sunday</code>. New words add to or change these; <code>/rules clear</code> removes them all; /rules_history lists versions. Every plan is checked against them by code.`,
      ]).value,
      { parse_mode: 'HTML', reply_markup: new InlineKeyboard().text('✏️ Write rules', cb.write) },
    );
  });

  feature.callbackQuery(cb.write, async (ctx) => {
    await ctx.answerCallbackQuery();
    await questions.ask({ kind: QUESTION_KIND, subject: 'rules' });
    await ctx.reply('Send your rules in plain words, e.g. “Mondays off. No more than 8 hours a week. Long ride on Saturday.” (/cancel to stop)');
  });

  feature.on('message:text', async (ctx, next) => {
    const question = await questions.current();
    if (question?.kind !== QUESTION_KIND || ctx.message.text.startsWith('/')) return next();
    await questions.clear();
    await propose(ctx, ctx.message.text);
  });

  feature.callbackQuery(/^rl:s:(\d+)$/, async (ctx) => {
    const outcome = await rules.save(Number(ctx.match[1]));
    switch (outcome.kind) {
      case 'saved':
        await ctx.answerCallbackQuery({ text: `Rules v${outcome.version} saved` });
        await ctx.editMessageText(joinHtml([html`💾 <b>Saved — rules v${outcome.version}:</b>`, ...bullets(outcome.rules)]).value, { parse_mode: 'HTML' });
        await recheckPlan(ctx, outcome.rules, outcome.version);
        return;
      case 'decided':
        await ctx.answerCallbackQuery({ text: outcome.proposal.status === 'approved' ? `Already saved as v${outcome.version}` : 'Already cancelled' });
        return;
      case 'stale':
        await ctx.answerCallbackQuery({ text: 'Your rules changed since' });
        await ctx.editMessageText('⏳ Your rules changed since I read these words: send them again with /rules so I read them against the rules in force.');
        return;
      case 'unknown':
        await ctx.answerCallbackQuery({ text: 'This no longer exists.' });
    }
  });

  feature.callbackQuery(/^rl:c:(\d+)$/, async (ctx) => {
    const proposal = await rules.cancel(Number(ctx.match[1]));
    await ctx.answerCallbackQuery({ text: proposal?.status === 'approved' ? 'It was saved already' : 'Cancelled' });
    if (proposal && proposal.status !== 'approved') await ctx.editMessageText('Cancelled: your rules are unchanged.');
  });

  feature.command('rules_history', async (ctx) => {
    const [rows, tz] = await Promise.all([rules.history(HISTORY_ROWS), profiles.timeZone()]);
    if (rows.length === 0) return void (await ctx.reply('No rules yet: /rules to write them.'));
    const keyboard = pairedButtons(rows.slice(1, 1 + RESTORE_BUTTONS).map((r) => ({ label: `↩ Back to v${r.version}`, data: cb.restore(r.version) })));
    await ctx.reply(
      joinHtml([
        html`<b>Rule versions</b>, newest first:`,
        ...rows.flatMap((r, i) => [
          html`${i === 0 ? '▶ ' : ''}<b>v${r.version}</b> · ${formatDateTime(r.createdAt, tz)}${r.sourceText ? html` · “${r.sourceText.slice(0, 120)}”` : ''}`,
          html`   ${describeRuleSet(r.rules).join('; ') || 'no rules'}`,
        ]),
        html``,
        html`Going back makes a new version; history is kept.`,
      ]).value,
      { parse_mode: 'HTML', reply_markup: keyboard },
    );
  });

  feature.callbackQuery(/^rl:r:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const restored = await rules.restore(Number(ctx.match[1]));
    if (!restored) return void (await ctx.reply(`There is no rules v${ctx.match[1]}.`));
    await ctx.reply(joinHtml([html`↩ Back to v${ctx.match[1]}: saved as <b>rules v${restored.version}</b>:`, ...bullets(restored.rules)]).value, { parse_mode: 'HTML' });
    await recheckPlan(ctx, restored.rules, restored.version);
  });

  return feature;
}
