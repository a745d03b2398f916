import type { Config } from '../config.ts';
import type { BotContext } from './context.ts';

/** Telegram lets bots download files up to 20 MB. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export function tooBigMessage(bytes: number): string {
  return `That file is ${(bytes / 1024 / 1024).toFixed(1)} MB, and Telegram lets me download at most 20 MB — export it with fewer points and send it again.`;
}

/** The bytes of the document in this message. */
export async function downloadDocument(ctx: BotContext, config: Config): Promise<Uint8Array> {
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
