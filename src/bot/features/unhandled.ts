import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';

/** Last in the chain: whatever no feature took gets a pointer, never silence. */
export function unhandledFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'This button no longer does anything.' });
  });
  // plain text went to the coach: what is left here is a command no feature knows
  feature.on('message:text', async (ctx) => {
    await ctx.reply("I don't know that command. /help lists what I can do — or just ask me in plain words.");
  });
  feature.on('message:document', async (ctx) => {
    await ctx.reply(
      'I read GPX routes: send a .gpx file (as a file, not a photo) and I will work out its climbs, gears and time. I also read recorded rides: send a .fit, .gpx or .tcx ride and I will work out its numbers and chart.',
    );
  });
  feature.on('message', async (ctx) => {
    await ctx.reply("I can't do anything with that yet. /help lists what I can do.");
  });
  return feature;
}
