import type { Transformer } from 'grammy';

export interface TelegramReachability {
  /** Whether the last finished call to the Bot API got an answer (false until one has). */
  reachable: boolean;
  lastOkAt: Date | undefined;
  lastError: { at: Date; method: string; description: string } | undefined;
}

/**
 * Records how calls to the Bot API end, so /health can say whether Telegram was
 * reachable at the last poll. A Telegram error answer (400, 403...) still means
 * Telegram was reached; only network failures and 5xx count as unreachable.
 */
export function createApiMonitor(): { transformer: Transformer; state: () => TelegramReachability } {
  let lastOkAt: Date | undefined;
  let lastError: TelegramReachability['lastError'];

  const transformer: Transformer = async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (result.ok || result.error_code < 500) lastOkAt = new Date();
      else lastError = { at: new Date(), method, description: result.description };
      return result;
    } catch (error) {
      if (!signal?.aborted) lastError = { at: new Date(), method, description: error instanceof Error ? error.message : String(error) };
      throw error;
    }
  };

  return {
    transformer,
    state: () => ({
      reachable: lastOkAt !== undefined && (lastError === undefined || lastOkAt > lastError.at),
      lastOkAt,
      lastError,
    }),
  };
}
