import type { MiddlewareFn } from 'grammy';
import type { Logger } from '../../logger.ts';
import type { BotContext } from '../context.ts';

/**
 * The very first middleware: an update from any chat but the owner's (messages,
 * documents, button presses, edits, chat-less updates such as inline queries)
 * stops here, before sessions, conversations or the database see it.
 */
export function ownerGuard(ownerChatId: number, logger: Logger): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (ctx.chat?.id === ownerChatId) return next();
    logger.debug({ update_id: ctx.update.update_id, chat_id: ctx.chat?.id, from_id: ctx.from?.id }, 'update from another chat dropped');
  };
}
