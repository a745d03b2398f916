import type { Context } from 'grammy';
import type { Logger } from '../logger.ts';

export type BotContext = Context & {
  /** A child of the app logger carrying this update's id. */
  logger: Logger;
};
