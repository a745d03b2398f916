import { Composer } from 'grammy';
import { COMMANDS } from '../commands.ts';
import type { BotContext } from '../context.ts';
import { html, joinHtml } from '../html.ts';

export function helpFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('help', async (ctx) => {
    const lines = COMMANDS.map((c) => html`/${c.command} — ${c.description}`);
    await ctx.reply(
      joinHtml([
        html`<b>Commands</b>`,
        ...lines,
        html``,
        html`Or just write to me: "how's my form?", "how was my last ride?", "should I go hard tomorrow?". Send a .gpx route or a .fit/.tcx/.gpx ride as a file to add it.`,
      ]).value,
      { parse_mode: 'HTML' },
    );
  });
  return feature;
}
