import { Composer } from 'grammy';
import type { Config } from '../../config.ts';
import { describeCoach, describeSources } from '../../services/status.ts';
import type { BotContext } from '../context.ts';
import { html, joinHtml, type Html } from '../html.ts';

export function setupSummary(config: Config): Html {
  const sources = describeSources(config).map((s) =>
    s.configured ? html`✅ ${s.label}` : html`▫️ ${s.label}: off (${s.hint ?? 'not configured'})`,
  );
  const coach = describeCoach(config);
  const coachLine =
    coach.kind === 'ai'
      ? html`✅ AI coach: ${coach.model}`
      : html`▫️ AI coach: off, the built-in coach answers (set OPENROUTER_API_KEY for AI)`;
  return joinHtml([...sources, coachLine]);
}

export function startFeature(config: Config): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('start', async (ctx) => {
    const name = ctx.from?.first_name;
    await ctx.reply(
      joinHtml([
        html`Hi${name ? ` ${name}` : ''}! I'm your cycling coach, and I work only in this chat.`,
        html`I read your rides, compute the numbers myself (power, load, zones, fitness), explain each ride and propose changes to your plan — nothing changes until you tap Approve.`,
        html``,
        html`<b>What is set up</b>`,
        setupSummary(config),
        html``,
        html`/help lists every command.`,
      ]).value,
      { parse_mode: 'HTML' },
    );
  });
  return feature;
}
