import { Composer } from 'grammy';
import { COMMANDS } from '../commands.ts';
import type { BotContext } from '../context.ts';
import { html, joinHtml } from '../html.ts';

export function helpFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('help', async (ctx) => {
    const lines = COMMANDS.map((c) => html`/${c.command} — ${c.description}`);
    await ctx.reply(joinHtml([html`<b>Commands</b>`, ...lines]).value, { parse_mode: 'HTML' });
  });
  return feature;
}
