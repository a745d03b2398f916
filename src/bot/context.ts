import type { ConversationFlavor } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { Logger } from '../logger.ts';

export type BotContext = ConversationFlavor<
  Context & {
    /** A child of the app logger carrying this update's id. */
    logger: Logger;
  }
>;
