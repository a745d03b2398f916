import type { Transformer } from 'grammy';

/** Telegram's answer to a callback query that was answered already, or is too old (about 15 s) to answer. */
const EXPIRED = /query is too old|query ID is invalid/i;

/**
 * A tap redelivered after a restart, or tapped twice, carries a query Telegram
 * will no longer let us answer. The tap's work must still be done (and the
 * message edited), so that one refusal is not an error; every other is.
 */
export const tolerateExpiredQueries: Transformer = async (prev, method, payload, signal) => {
  const response = await prev(method, payload, signal);
  if (method === 'answerCallbackQuery' && !response.ok && response.error_code === 400 && EXPIRED.test(response.description)) {
    return { ok: true, result: true as never };
  }
  return response;
};
