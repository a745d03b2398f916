import { Composer } from 'grammy';
import type { PendingQuestions } from '../../services/questions.ts';
import type { BotContext } from '../context.ts';

/** /cancel: stop waiting for the answer to whatever the bot asked last. */
export function cancelFeature(questions: PendingQuestions): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('cancel', async (ctx) => {
    const dropped = await questions.clear();
    await ctx.reply(dropped ? 'OK, I stopped asking; nothing changed.' : 'There is nothing to cancel.');
  });
  return feature;
}
