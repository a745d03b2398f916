import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { html } from '../html.ts';

/**
 * Without TELEGRAM_CHAT_ID the bot serves nobody: it only tells whoever sends
 * /start in a private chat their chat id and how to make it the owner's.
 */
export function pairingFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').command('start', async (ctx) => {
    await ctx.reply(
      html`Your chat id is <code>${ctx.chat.id}</code>. Put <code>TELEGRAM_CHAT_ID=${ctx.chat.id}</code> in the bot's .env file and restart it; from then on I answer only this chat.`
        .value,
      { parse_mode: 'HTML' },
    );
  });
  return feature;
}
