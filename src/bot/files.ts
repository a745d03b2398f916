import type { Config } from '../config.ts';
import type { BotContext } from './context.ts';

/** Telegram lets bots download files up to 20 MB. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export function tooBigMessage(bytes: number): string {
  return `That file is ${(bytes / 1024 / 1024).toFixed(1)} MB, and Telegram lets me download at most 20 MB — export it with fewer points and send it again.`;
}

const downloaded = new WeakMap<BotContext, Promise<Uint8Array>>();

/** The bytes of the document in this message (downloaded once per update, whichever feature asks). */
export function downloadDocument(ctx: BotContext, config: Config): Promise<Uint8Array> {
  let bytes = downloaded.get(ctx);
  if (!bytes) {
    bytes = fetchDocument(ctx, config);
    downloaded.set(ctx, bytes);
  }
  return bytes;
}

async function fetchDocument(ctx: BotContext, config: Config): Promise<Uint8Array> {
  const file = await ctx.getFile();
  if (!file.file_path) throw new Error('Telegram returned no file_path for the document');
  const response = await fetch(`${config.telegram.apiRoot}/file/bot${config.telegram.token}/${file.file_path}`);
  if (!response.ok) throw new Error(`document download failed with HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Whether the start of a file looks like a GPX document (for files without a .gpx name). */
export function looksLikeGpx(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('latin1');
  return /<gpx[\s>]/.test(head);
}

/**
 * A GPX that is a recording of a ride rather than a route to plan: timestamps on
 * its points and sensor data (heart rate, power or cadence). A cheap scan, no parse.
 */
export function looksLikeRecordedRide(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes).toString('latin1');
  let times = 0;
  for (let at = text.indexOf('<time>'); at >= 0 && times < 60; at = text.indexOf('<time>', at + 6)) times++;
  return times >= 60 && /<(\w+:)?(hr|power|PowerInWatts|cad)>/.test(text);
}

/** What the rider wrote with the file: "route" or "ride" decides when present. */
export function captionIntent(caption: string | undefined): 'route' | 'ride' | undefined {
  const words = (caption ?? '').toLowerCase();
  if (/\broute\b/.test(words)) return 'route';
  if (/\bride\b/.test(words)) return 'ride';
  return undefined;
}

export type DocumentClaim = { kind: 'mine'; bytes: Uint8Array } | { kind: 'answered' } | { kind: 'not-mine' };

/**
 * The shared first steps of every feature that reads documents: skip what it can
 * tell is not its kind by name, refuse an oversized file of its kind before any
 * download, download once, and check the bytes.
 */
export async function claimDocument(
  ctx: BotContext & { message: { document: { file_name?: string; file_size?: number } } },
  config: Config,
  rule: { named: boolean; skip: boolean; looksRight: (bytes: Uint8Array) => boolean },
): Promise<DocumentClaim> {
  if (rule.skip) return { kind: 'not-mine' };
  const size = ctx.message.document.file_size;
  if (size !== undefined && size > TELEGRAM_DOWNLOAD_LIMIT) {
    if (!rule.named) return { kind: 'not-mine' };
    await ctx.reply(tooBigMessage(size));
    return { kind: 'answered' };
  }
  await ctx.replyWithChatAction('typing');
  const bytes = await downloadDocument(ctx, config);
  return rule.named || rule.looksRight(bytes) ? { kind: 'mine', bytes } : { kind: 'not-mine' };
}
