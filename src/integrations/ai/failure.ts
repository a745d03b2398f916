import type OpenAI from 'openai';

/**
 * Every way a call to the AI can end without a usable answer. The kinds are
 * stored in `ai_calls.outcome`; `retryable` ones are worth another attempt.
 */
export type AiFailureKind =
  | 'not_configured'
  | 'unauthorized'
  | 'payment_required'
  | 'refused'
  | 'model_not_found'
  | 'bad_request'
  | 'rate_limited'
  | 'server_error'
  | 'network'
  | 'timeout'
  | 'empty'
  | 'invalid_output';

const RETRYABLE = new Set<AiFailureKind>(['rate_limited', 'server_error', 'network']);

export class AiFailure extends Error {
  constructor(
    readonly kind: AiFailureKind,
    /** What went wrong, in one line (the SDK's message starts with the HTTP status). */
    readonly detail: string,
    /** From Retry-After (or retry-after-ms), when the server said how long to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(`${kind}: ${detail}`);
    this.name = 'AiFailure';
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/**
 * The SDK's error (or anything thrown while calling it) as one of our kinds.
 * `sdk` is the loaded SDK, whose classes the errors are; before it is loaded no
 * error can be one of them.
 */
export function toAiFailure(error: unknown, sdk: typeof OpenAI | undefined): AiFailure {
  if (error instanceof AiFailure) return error;
  if (sdk && (error instanceof sdk.APIConnectionTimeoutError || error instanceof sdk.APIUserAbortError)) {
    return new AiFailure('timeout', error.message);
  }
  if (sdk && error instanceof sdk.APIConnectionError) return new AiFailure('network', describeCause(error));
  if (sdk && error instanceof sdk.APIError) {
    const status = error.status ?? 0;
    const detail = error.message.slice(0, 500);
    if (status === 401) return new AiFailure('unauthorized', detail);
    if (status === 402) return new AiFailure('payment_required', detail);
    if (status === 403) return new AiFailure('refused', detail);
    if (status === 404) return new AiFailure('model_not_found', detail);
    if (status === 408 || status === 409 || status === 429) return new AiFailure('rate_limited', detail, retryAfterMs(error.headers));
    if (status >= 500) return new AiFailure('server_error', detail, retryAfterMs(error.headers));
    return new AiFailure('bad_request', detail);
  }
  return new AiFailure('network', error instanceof Error ? error.message : String(error));
}

function describeCause(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  const code = cause && typeof cause === 'object' && 'code' in cause ? ` (${String((cause as { code: unknown }).code)})` : '';
  return `${error.message}${code}`;
}

/** Retry-After in seconds or as an HTTP date, or OpenAI's retry-after-ms. */
export function retryAfterMs(headers: Headers | undefined, nowMs = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
