import { Composer } from 'grammy';
import { InvalidInput } from '../../domain/errors.ts';
import { findProfileField, PROFILE_FIELDS, type ProfileField } from '../../domain/profile-fields.ts';
import type { ProfileService } from '../../services/profile.ts';
import type { PendingQuestions } from '../../services/questions.ts';
import type { BotContext } from '../context.ts';
import { html, joinHtml } from '../html.ts';
import { pairedButtons } from '../keyboards.ts';

/** Callback data: the profile key's first name, well under Telegram's 64 bytes. */
const cb = { ask: (field: ProfileField) => `pf:a:${field.names[0]}` };
const QUESTION_KIND = 'profile';

/**
 * /profile shows the rider's numbers with a button per value; a button asks for
 * that value and the next plain text answers it (a short conversation whose state
 * is a row, so a restart keeps it). `/profile key value` sets one directly.
 */
export function profileFeature(profiles: ProfileService, questions: PendingQuestions): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  async function setValue(ctx: BotContext, name: string, text: string): Promise<void> {
    const { field, value } = await profiles.set(name, text);
    await ctx.reply(html`${field.label} set to ${field.format(value)}.`.value, { parse_mode: 'HTML' });
  }

  feature.command('profile', async (ctx) => {
    const args = ctx.match.trim();
    if (args) {
      const [name = '', ...rest] = args.split(/\s+/);
      await setValue(ctx, name, rest.join(' '));
      return;
    }
    const { profile, defaultsUsed } = await profiles.resolved();
    const lines = PROFILE_FIELDS.map((field) => {
      const value = profile[field.key];
      if (field.key === 'lthrBpm' && !value) return html`${field.label}: <i>not set</i> (HR zones use max HR)`;
      return defaultsUsed.includes(field.key)
        ? html`${field.label}: <i>not set, using ${field.format(value as never)}</i>`
        : html`${field.label}: <b>${field.format(value as never)}</b>`;
    });
    const keyboard = pairedButtons(PROFILE_FIELDS.map((field) => ({ label: field.button, data: cb.ask(field) })));
    await ctx.reply(
      joinHtml([
        html`<b>Your profile</b>`,
        ...lines,
        html``,
        html`Tap a value to change it, or send <code>/profile key value</code>, e.g. ${PROFILE_FIELDS.slice(0, 3)
          .map((f) => `/profile ${f.example}`)
          .join(', ')}. Keys: ${PROFILE_FIELDS.map((f) => f.names[0]).join(', ')}.`,
      ]).value,
      { parse_mode: 'HTML', reply_markup: keyboard },
    );
  });

  feature.callbackQuery(/^pf:a:(\w+)$/, async (ctx) => {
    const field = findProfileField(ctx.match[1] ?? '');
    await questions.ask({ kind: QUESTION_KIND, subject: field.names[0]! });
    await ctx.answerCallbackQuery();
    const example = field.example.slice(field.example.indexOf(' ') + 1);
    await ctx.reply(html`<b>${field.label}</b>: send me the value, e.g. <code>${example}</code>. /cancel leaves it as it is.`.value, {
      parse_mode: 'HTML',
    });
  });

  // the answer: plain text while a profile question is open (commands go on to their features)
  feature.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    const question = await questions.current();
    if (question?.kind !== QUESTION_KIND) return next();
    try {
      await setValue(ctx, question.subject, ctx.message.text);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      await ctx.reply(`${error.riderMessage} Send it again, or /cancel.`);
      return;
    }
    await questions.clear();
  });

  return feature;
}
