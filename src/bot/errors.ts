import { randomBytes } from 'node:crypto';
import type { BotError } from 'grammy';
import { InvalidInput } from '../domain/errors.ts';
import type { BotContext } from './context.ts';

/** A short id the rider can quote; the log line carries the same id. */
export function newReference(): string {
  return randomBytes(3).toString('hex').toUpperCase();
}

/**
 * The error boundary: the rider gets one plain sentence (and a reference to quote
 * when it is our fault); the log gets the detail. Never throws.
 */
export async function answerError(err: BotError<BotContext>): Promise<void> {
  const { ctx, error } = err;
  let text: string;
  if (error instanceof InvalidInput) {
    ctx.logger.info({ code: error.code, detail: error.message }, 'rider input refused');
    text = error.riderMessage;
  } else {
    const ref = newReference();
    ctx.logger.error({ err: error, ref }, 'handler failed');
    text = `Sorry, something went wrong on my side and I couldn't finish that (reference ${ref}). Please try again in a minute.`;
  }
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    if (ctx.chat) await ctx.reply(text);
  } catch (replyError) {
    ctx.logger.error({ err: replyError }, 'could not tell the rider about an error');
  }
}
