import type { MiddlewareFn } from 'grammy';
import type { ProcessedUpdates } from '../../services/updates.ts';
import type { BotContext } from '../context.ts';

/** Skip updates already handled; record each one after its handler finished. */
export function oncePerUpdate(updates: ProcessedUpdates): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    if (await updates.wasHandled(updateId)) {
      ctx.logger.info('update already handled before a restart; skipped');
      return;
    }
    await next();
    await updates.markHandled(updateId);
  };
}
