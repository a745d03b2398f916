import { Composer, InlineKeyboard, InputFile, type Api } from 'grammy';
import { renderFitnessChart } from '../../charts/fitness.ts';
import { renderPowerCurve } from '../../charts/power-curve.ts';
import { renderRideChart } from '../../charts/ride.ts';
import type { Config } from '../../config.ts';
import { sniffRideFormat } from '../../domain/ride-file.ts';
import type { ProfileService } from '../../services/profile.ts';
import { ftpHint, type RideService, type StoredRide } from '../../services/rides.ts';
import type { BotContext } from '../context.ts';
import { captionIntent, claimDocument } from '../files.ts';
import { pagedList, servePagedList, type ListPage } from '../paged-list.ts';
import { curveCaption, fitnessCaption, rideChartInput, rideListLabel, rideSummary } from '../ride-view.ts';

const PAGE_SIZE = 8;
const FITNESS_DAYS = 90;
/** Callback data: ids only, well under Telegram's 64 bytes. */
const cb = {
  page: (page: number) => `rd:p:${page}`,
  show: (id: number) => `rd:s:${id}`,
  ftp: (id: number) => `rd:f:${id}`,
};

export const NO_RIDES = 'No rides yet — send a .fit file (or a .gpx/.tcx recording) from your bike computer and I will work out its numbers.';
/** Ride files by name; a compressed one (Garmin Connect exports .zip) gets decodeRideFile's "unpack it" sentence. */
const RIDE_NAME = /\.(fit|tcx|gpx)(\.gz)?$|\.zip$/i;
/** Documents that are never rides: left to the catch-all without downloading. */
const NOT_A_RIDE = /\.(pdf|jpe?g|png|gif|webp|heic|docx?|xlsx?|pptx?|txt|csv|json|mp4|mov)$/i;

/** A ride's card: its chart with the numbers (or the numbers alone), and the FTP button when it earned one. */
export async function sendRide(api: Api, chatId: number, stored: StoredRide, profiles: ProfileService, note?: string): Promise<void> {
  const { profile } = await profiles.resolved();
  const tz = profile.timeZone;
  const { caption, message } = rideSummary(stored, tz, note);
  const hint = ftpHint(stored, profile.ftpW);
  const keyboard = hint === null ? undefined : new InlineKeyboard().text(`Update FTP to ${hint} W`, cb.ftp(stored.workout.id));
  const markup = (last: boolean) => (last && keyboard ? { reply_markup: keyboard } : {});
  const chart = rideChartInput(stored, tz);
  if (chart) {
    await api.sendChatAction(chatId, 'upload_photo');
    const png = await renderRideChart(chart);
    await api.sendPhoto(chatId, new InputFile(png, `ride-${stored.workout.id}.png`), { caption, parse_mode: 'HTML', ...markup(!message) });
    if (message) await api.sendMessage(chatId, message, { parse_mode: 'HTML', ...markup(true) });
  } else {
    await api.sendMessage(chatId, message ?? caption, { parse_mode: 'HTML', ...markup(true) });
  }
}

/** `queued`: a new ride is in the analysis queue (the worker picks it up). */
export function ridesFeature(rides: RideService, profiles: ProfileService, config: Config, queued: () => void): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const sendRideHere = (ctx: BotContext, stored: StoredRide, note?: string) => sendRide(ctx.api, ctx.chat!.id, stored, profiles, note);

  feature.on('message:document', async (ctx, next) => {
    const name = ctx.message.document.file_name ?? '';
    const named = RIDE_NAME.test(name) || captionIntent(ctx.message.caption) === 'ride';
    const claim = await claimDocument(ctx, config, { named, skip: !named && NOT_A_RIDE.test(name), looksRight: (b) => sniffRideFormat(b) !== undefined });
    if (claim.kind === 'answered') return;
    if (claim.kind === 'not-mine') return next();
    const bytes = claim.bytes;
    const result = await rides.importFile(bytes, name || undefined);
    if (result.kind === 'duplicate') {
      await sendRideHere(ctx, result.ride, `I already have this ride (ride ${result.ride.workout.id}).`);
      return;
    }
    ctx.logger.info({ workout_id: result.ride.workout.id, sport: result.ride.metrics.sport, tss: result.ride.metrics.tss }, 'ride saved');
    await sendRideHere(ctx, result.ride);
    // the analysis follows as its own message
    queued();
  });

  async function listPage(page: number): Promise<ListPage> {
    const [{ rides: rows, total }, tz] = await Promise.all([rides.list(page * PAGE_SIZE, PAGE_SIZE), profiles.timeZone()]);
    if (total === 0) return { text: NO_RIDES, keyboard: undefined };
    return pagedList({
      title: 'Your rides',
      noun: 'numbers and chart',
      total,
      page,
      pageSize: PAGE_SIZE,
      items: rows.map((r) => ({ label: rideListLabel(r, tz), data: cb.show(r.id) })),
      pageData: cb.page,
    });
  }

  servePagedList(feature, 'rides', /^rd:p:(\d+)$/, listPage);

  feature.callbackQuery(/^rd:s:(\d+)$/, async (ctx) => {
    const id = Number(ctx.match[1]);
    await ctx.answerCallbackQuery();
    const stored = await rides.get(id);
    if (!stored) {
      await ctx.reply(`There is no ride ${id} any more. /rides lists the ones you have.`);
      return;
    }
    await sendRideHere(ctx, stored);
  });

  feature.callbackQuery(/^rd:f:(\d+)$/, async (ctx) => {
    const result = await rides.acceptFtpHint(Number(ctx.match[1]));
    const text =
      result.kind === 'updated'
        ? `FTP updated to ${result.toW} W (was ${result.fromW} W). New rides use it for IF, TSS and zones.`
        : `Already updated: your FTP is ${result.ftpW} W.`;
    await ctx.answerCallbackQuery({ text });
    // the button has done its job: take it off the message
    await ctx.editMessageReplyMarkup({ reply_markup: new InlineKeyboard() }).catch((error: unknown) => {
      ctx.logger.debug({ err: error }, 'could not remove the FTP button');
    });
    if (result.kind === 'updated') await ctx.reply(text);
  });

  feature.command('fitness', async (ctx) => {
    const tz = await profiles.timeZone();
    const fitness = await rides.fitness(FITNESS_DAYS, tz);
    const today = fitness.days.at(-1);
    if (fitness.rideCount === 0 || !today) {
      await ctx.reply(NO_RIDES);
      return;
    }
    await ctx.replyWithChatAction('upload_photo');
    const png = await renderFitnessChart({
      title: `Fitness, fatigue and form — last ${FITNESS_DAYS} days`,
      days: fitness.days.map((d) => d.day),
      ctl: fitness.days.map((d) => d.ctl),
      atl: fitness.days.map((d) => d.atl),
      tsb: fitness.days.map((d) => d.tsb),
      load: fitness.days.map((d) => d.load),
    });
    await ctx.replyWithPhoto(new InputFile(png, 'fitness.png'), {
      caption: fitnessCaption(today, FITNESS_DAYS, fitness.ridesInWindow, tz),
      parse_mode: 'HTML',
    });
  });

  feature.command('curve', async (ctx) => {
    const curves = await rides.powerCurves();
    if (curves.durationsS.length === 0) {
      const { total } = await rides.list(0, 1);
      await ctx.reply(
        total === 0
          ? NO_RIDES
          : `No rides with power in the last ${curves.seasonDays} days, so there is no power curve to draw yet — send a .fit file from a ride with a power meter.`,
      );
      return;
    }
    await ctx.replyWithChatAction('upload_photo');
    const png = await renderPowerCurve({
      title: `Power curve — last ${curves.recentDays} days vs season best`,
      durationsS: curves.durationsS,
      recentW: curves.recentW,
      bestW: curves.bestW,
      recentLabel: `Last ${curves.recentDays} days`,
      bestLabel: `Best, last ${curves.seasonDays} days`,
    });
    await ctx.replyWithPhoto(new InputFile(png, 'power-curve.png'), { caption: curveCaption(curves), parse_mode: 'HTML' });
  });

  return feature;
}
