import { Composer } from 'grammy';
import type { ProfileService } from '../../services/profile.ts';
import type { AppStatus, StatusService } from '../../services/status.ts';
import type { BotContext } from '../context.ts';
import { formatDateTime, formatDuration } from '../format.ts';
import { html, joinHtml, type Html } from '../html.ts';
import { sourceHealthLines } from '../sync-view.ts';

export function formatStatus(status: AppStatus, timeZone: string, now: Date): Html {
  const db =
    status.database.kind === 'pglite'
      ? html`embedded PGlite (PostgreSQL ${status.database.serverVersion}) in ${status.database.location}`
      : html`PostgreSQL ${status.database.serverVersion} at ${status.database.location}`;
  const sources = status.sources.map((s) => html`${s.configured ? '✅' : '▫️'} ${s.label}${s.configured ? '' : ' (off)'}`);
  const coach = status.coach.kind === 'ai' ? html`AI, ${status.coach.model}` : html`built-in (no AI key)`;
  const { aiUsage } = status;
  const thousands = (n: number) => n.toLocaleString('en-US');
  const usage = html`AI this month: ${aiUsage.calls} call${aiUsage.calls === 1 ? '' : 's'}, ${thousands(aiUsage.tokensIn)} tokens in, ${thousands(aiUsage.tokensOut)} out`;
  const failure = aiUsage.lastFailure
    ? html`Last AI failure: ${formatDateTime(aiUsage.lastFailure.at, timeZone)}, ${aiUsage.lastFailure.action}: ${aiUsage.lastFailure.outcome}${
        aiUsage.lastFailure.error ? html` (${aiUsage.lastFailure.error.slice(0, 200)})` : ''
      }`
    : html`Last AI failure: none`;
  return joinHtml([
    html`<b>Status</b>`,
    html`Version: ${status.version} (Node ${status.nodeVersion}, grammY ${status.grammyVersion})`,
    html`Database: ${db}`,
    html`Data folder: <code>${status.dataDir}</code>`,
    html`Telegram: ${status.mode === 'webhook' ? 'webhook' : 'long polling'}, up ${formatDuration((now.getTime() - status.startedAt.getTime()) / 1000)}`,
    html`Coach: ${coach}`,
    usage,
    failure,
    html`Rides from:`,
    ...sources,
    ...(status.sync.length > 0 ? [html`Sync:`, ...sourceHealthLines(status.sync, timeZone)] : [html`Sync: off`]),
    html`Time zone: ${timeZone}`,
  ]);
}

export function statusFeature(status: StatusService, profiles: ProfileService): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('status', async (ctx) => {
    await ctx.replyWithChatAction('typing');
    const timeZone = await profiles.timeZone();
    const report = await status.collect(timeZone);
    await ctx.reply(formatStatus(report, timeZone, new Date()).value, { parse_mode: 'HTML' });
  });
  return feature;
}
