import { Composer } from 'grammy';
import { PROFILE_FIELDS } from '../../domain/profile-fields.ts';
import type { ProfileService } from '../../services/profile.ts';
import type { BotContext } from '../context.ts';
import { html, joinHtml } from '../html.ts';

export function profileFeature(profiles: ProfileService): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('profile', async (ctx) => {
    const args = ctx.match.trim();
    if (args) {
      const [name = '', ...rest] = args.split(/\s+/);
      const { field, value } = await profiles.set(name, rest.join(' '));
      await ctx.reply(html`${field.label} set to ${field.format(value)}.`.value, { parse_mode: 'HTML' });
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
    await ctx.reply(
      joinHtml([
        html`<b>Your profile</b>`,
        ...lines,
        html``,
        html`Change a value with <code>/profile key value</code>, e.g. ${PROFILE_FIELDS.slice(0, 3)
          .map((f) => `/profile ${f.example}`)
          .join(', ')}. Keys: ${PROFILE_FIELDS.map((f) => f.names[0]).join(', ')}.`,
      ]).value,
      { parse_mode: 'HTML' },
    );
  });
  return feature;
}
