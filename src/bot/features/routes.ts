import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { renderElevationProfile } from '../../charts/elevation.ts';
import type { Config } from '../../config.ts';
import type { RouteLibrary, StoredRoute } from '../../services/routes.ts';
import type { BotContext } from '../context.ts';
import { captionIntent, claimDocument, looksLikeGpx, looksLikeRecordedRide } from '../files.ts';
import { pagedList, servePagedList, type ListPage } from '../paged-list.ts';
import { html, joinHtml } from '../html.ts';
import { chartClimbs, climbTables, routeCaption } from '../route-view.ts';

const PAGE_SIZE = 8;
/** Callback data: ids only, well under Telegram's 64 bytes. */
const cb = {
  page: (page: number) => `rt:p:${page}`,
  show: (id: number) => `rt:s:${id}`,
  askDelete: (id: number) => `rt:d:${id}`,
  confirmDelete: (id: number) => `rt:y:${id}`,
  keep: (id: number) => `rt:n:${id}`,
};

const GPX_NAME = /\.gpx$/i;
/** Names a ride or route file never has: the rides feature or the catch-all answers these. */
const OTHER_KNOWN = /\.(fit|tcx|fit\.gz|zip|pdf|jpe?g|png|docx?|xlsx?|txt|csv)$/i;

export function routesFeature(routes: RouteLibrary, config: Config): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  async function sendRoute(ctx: BotContext, stored: StoredRoute, note?: string): Promise<void> {
    const { caption, includesAssumptions } = routeCaption(stored, note);
    const keyboard = new InlineKeyboard().text('Delete this route', cb.askDelete(stored.route.id));
    const series = stored.analysis.profileSeries;
    if (series.distanceM.length >= 2) {
      await ctx.replyWithChatAction('upload_photo');
      const png = await renderElevationProfile({
        title: stored.route.name,
        distanceM: series.distanceM,
        eleM: series.eleM,
        climbs: chartClimbs(stored.analysis),
      });
      await ctx.replyWithPhoto(new InputFile(png, `route-${stored.route.id}.png`), {
        caption: caption.value,
        parse_mode: 'HTML',
        reply_markup: keyboard,
      });
    } else {
      await ctx.reply(caption.value, { parse_mode: 'HTML', reply_markup: keyboard });
    }
    for (const part of climbTables(stored, includesAssumptions)) await ctx.reply(part, { parse_mode: 'HTML' });
  }

  feature.on('message:document', async (ctx, next) => {
    const doc = ctx.message.document;
    const name = doc.file_name ?? '';
    const intent = captionIntent(ctx.message.caption);
    const named = GPX_NAME.test(name) || doc.mime_type === 'application/gpx+xml';
    const claim = await claimDocument(ctx, config, { named, skip: (!named && OTHER_KNOWN.test(name)) || intent === 'ride', looksRight: looksLikeGpx });
    if (claim.kind === 'answered') return;
    // a recorded ride with sensor data belongs to the rides feature, unless the rider said "route"
    if (claim.kind === 'not-mine' || (intent !== 'route' && looksLikeRecordedRide(claim.bytes))) return next();
    const bytes = claim.bytes;
    const result = await routes.import(bytes, name || undefined);
    if (result.kind === 'duplicate') {
      const stored = await routes.get(result.route.id);
      if (stored) await sendRoute(ctx, stored, `Already saved as route ${result.route.id}.`);
      return;
    }
    ctx.logger.info({ route_id: result.stored.route.id, points: result.stored.analysis.points }, 'route saved');
    await sendRoute(ctx, result.stored);
  });

  async function listPage(page: number): Promise<ListPage> {
    const { routes: rows, total } = await routes.list(page * PAGE_SIZE, PAGE_SIZE);
    if (total === 0) return { text: 'No routes yet. Send me a .gpx file and I will work out its climbs, gears and time.', keyboard: undefined };
    return pagedList({
      title: 'Your routes',
      noun: 'climbs and chart',
      total,
      page,
      pageSize: PAGE_SIZE,
      items: rows.map((r) => ({ label: `${r.id}. ${r.name.slice(0, 40)} · ${(r.distanceM / 1000).toFixed(0)} km`, data: cb.show(r.id) })),
      pageData: cb.page,
    });
  }

  servePagedList(feature, 'routes', /^rt:p:(\d+)$/, listPage);

  async function showRoute(ctx: BotContext, id: number): Promise<void> {
    const stored = await routes.get(id);
    if (!stored) {
      await ctx.reply(`There is no route ${id}. /routes lists the ones you have.`);
      return;
    }
    await sendRoute(ctx, stored);
  }

  feature.command('route', async (ctx) => {
    const id = Number(ctx.match.trim());
    if (!Number.isInteger(id) || id <= 0) {
      await ctx.reply('Which route? Send /route followed by its number, e.g. /route 3 — /routes lists them.');
      return;
    }
    await showRoute(ctx, id);
  });

  feature.callbackQuery(/^rt:s:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showRoute(ctx, Number(ctx.match[1]));
  });

  feature.callbackQuery(/^rt:d:(\d+)$/, async (ctx) => {
    const id = Number(ctx.match[1]);
    const stored = await routes.get(id);
    await ctx.answerCallbackQuery();
    if (!stored) {
      await ctx.reply(`Route ${id} is already gone.`);
      return;
    }
    await ctx.reply(html`Delete route ${id} (${stored.route.name}) and its GPX file?`.value, {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Yes, delete it', cb.confirmDelete(id)).text('Keep it', cb.keep(id)),
    });
  });

  feature.callbackQuery(/^rt:y:(\d+)$/, async (ctx) => {
    const id = Number(ctx.match[1]);
    const deleted = await routes.remove(id);
    await ctx.answerCallbackQuery(deleted ? 'Deleted' : 'Already deleted');
    await ctx.editMessageText(deleted ? `Route ${id} deleted.` : `Route ${id} was already deleted.`);
  });

  feature.callbackQuery(/^rt:n:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery('Kept');
    await ctx.editMessageText(joinHtml([html`Route ${Number(ctx.match[1])} kept.`]).value, { parse_mode: 'HTML' });
  });

  return feature;
}
