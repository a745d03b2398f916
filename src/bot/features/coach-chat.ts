import { Composer } from 'grammy';
import type { CoachChat } from '../../services/chat.ts';
import type { BotContext } from '../context.ts';
import { html } from '../html.ts';
import { markdownToTelegramHtml } from '../markdown.ts';
import { MESSAGE_LIMIT, visibleLength } from '../messages.ts';

/** Telegram shows "typing…" for 5 s; renewed a little sooner while the coach thinks. */
const TYPING_EVERY_MS = 4_000;

/**
 * Any plain text that no feature before this one took (commands, awaited
 * answers) is a question for the coach. It must stay after those features.
 */
export function coachChatFeature(chat: CoachChat): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('message:text', async (ctx, next) => {
    const question = ctx.message.text.trim();
    if (question.startsWith('/') || question === '') return next();
    const typing = () => ctx.replyWithChatAction('typing').catch(() => undefined);
    void typing();
    const timer = setInterval(typing, TYPING_EVERY_MS);
    const answer = await chat.answer(question).finally(() => clearInterval(timer));
    const notice = answer.notice ? html`<i>${answer.notice}</i>\n\n`.value : '';
    const parts = markdownToTelegramHtml(answer.text, MESSAGE_LIMIT - visibleLength(notice));
    ctx.logger.info({ author: answer.author, parts: parts.length }, 'coach answered');
    for (const [i, part] of parts.entries()) {
      await ctx.reply(i === 0 ? notice + part : part, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    }
  });
  return feature;
}
