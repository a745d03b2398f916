import { and, count, desc, gte, lt, ne, sql, sum } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../db/client.ts';
import { aiCalls } from '../db/schema.ts';
import { renderTemplate, type PromptAction, type PromptValues } from '../domain/prompts.ts';
import type { AiClient, AiMessage } from '../integrations/ai/client.ts';
import { AiFailure, type AiFailureKind } from '../integrations/ai/failure.ts';
import type { Logger } from '../logger.ts';
import type { PromptLibrary } from './prompts.ts';

export interface AiRunRequest<A extends PromptAction, T> {
  action: A;
  values: PromptValues<A>;
  /** Conversation turns after the prompt (chat); none: the prompt is the one user message. */
  turns?: AiMessage[];
  schema?: { name: string; zod: z.ZodType<T> };
  maxTokens: number;
  /** What the rider gets if this fails, recorded with the call. */
  fallback: 'built-in' | 'message';
}

export type AiRun<T> =
  | { ok: true; value: T; truncated: boolean; promptId: number; model: string; callId: number }
  | {
      ok: false;
      failure: AiFailure;
      /** One sentence for the rider on why the AI did not answer; undefined when it was said already (a refused key). */
      notice: string | undefined;
    };

export interface AiUsage {
  calls: number;
  tokensIn: number;
  tokensOut: number;
  lastFailure: { at: Date; action: string; outcome: string; error: string | null } | undefined;
}

/**
 * The AI as features use it: the active prompt for an action filled with our
 * numbers, one call, one usage row. A failure is a value, never a throw, so
 * every caller decides on its fallback.
 */
export class AiService {
  constructor(
    private readonly deps: {
      db: Db;
      prompts: PromptLibrary;
      /** undefined: no key, the built-in coach does all the talking. */
      client: AiClient | undefined;
      defaultModel: string;
      timeoutMs: number;
      logger: Logger;
    },
  ) {}

  get configured(): boolean {
    return this.deps.client !== undefined;
  }

  async run<A extends PromptAction, T = string>(request: AiRunRequest<A, T>): Promise<AiRun<T>> {
    const { client, prompts, db, logger } = this.deps;
    if (!client) return { ok: false, failure: new AiFailure('not_configured', 'no OPENROUTER_API_KEY'), notice: undefined };
    const prompt = await prompts.active(request.action);
    const model = prompt.model ?? this.deps.defaultModel;
    const text = renderTemplate<A>(prompt.promptText, request.values);
    const messages: AiMessage[] = request.turns?.length
      ? [{ role: 'system', content: text }, ...request.turns]
      : [{ role: 'user', content: text }];
    const result = await client.call<T>({ model, messages, maxTokens: request.maxTokens, ...(request.schema ? { schema: request.schema } : {}) });
    const { stats } = result;
    const outcome = result.ok ? (stats.repaired ? 'repaired' : 'ok') : result.failure.kind;
    const [row] = await db
      .insert(aiCalls)
      .values({
        action: request.action,
        model,
        promptId: prompt.id,
        promptVersion: prompt.version,
        tokensIn: stats.tokensIn,
        tokensOut: stats.tokensOut,
        latencyMs: stats.latencyMs,
        attempts: stats.attempts,
        outcome,
        answeredBy: result.ok ? 'ai' : request.fallback,
        error: result.ok ? null : result.failure.detail.slice(0, 500),
      })
      .returning({ id: aiCalls.id });
    const callId = row!.id;
    const log = { action: request.action, model, prompt_version: prompt.version, outcome, ...stats };
    if (result.ok) {
      logger.info(log, 'ai call');
      return { ok: true, value: result.value, truncated: result.truncated, promptId: prompt.id, model, callId };
    }
    logger.warn({ ...log, err: result.failure }, 'ai call failed');
    const saidAlready = result.failure.kind === 'unauthorized' && (await this.previousOutcome(callId)) === 'unauthorized';
    return { ok: false, failure: result.failure, notice: saidAlready ? undefined : failureSentence(result.failure.kind, this.deps.timeoutMs) };
  }

  /** Calls and tokens since the first of this month in `timeZone`, and the last failure ever. */
  async usage(timeZone: string, now = new Date()): Promise<AiUsage> {
    const monthStart = sql`date_trunc('month', ${now.toISOString()}::timestamptz at time zone ${timeZone}) at time zone ${timeZone}`;
    const [totals] = await this.deps.db
      .select({ calls: count(), tokensIn: sum(aiCalls.tokensIn), tokensOut: sum(aiCalls.tokensOut) })
      .from(aiCalls)
      .where(gte(aiCalls.createdAt, monthStart));
    const [failure] = await this.deps.db
      .select()
      .from(aiCalls)
      .where(and(ne(aiCalls.outcome, 'ok'), ne(aiCalls.outcome, 'repaired')))
      .orderBy(desc(aiCalls.id))
      .limit(1);
    return {
      calls: totals?.calls ?? 0,
      tokensIn: Number(totals?.tokensIn ?? 0),
      tokensOut: Number(totals?.tokensOut ?? 0),
      lastFailure: failure ? { at: failure.createdAt, action: failure.action, outcome: failure.outcome, error: failure.error } : undefined,
    };
  }

  private async previousOutcome(callId: number): Promise<string | undefined> {
    const [previous] = await this.deps.db
      .select({ outcome: aiCalls.outcome })
      .from(aiCalls)
      .where(lt(aiCalls.id, callId))
      .orderBy(desc(aiCalls.id))
      .limit(1);
    return previous?.outcome;
  }
}

/** Why the AI did not answer, in one sentence for the rider (the one place these are written). */
export function failureSentence(kind: AiFailureKind, timeoutMs: number): string {
  switch (kind) {
    case 'not_configured':
      return 'No AI key is set (OPENROUTER_API_KEY), so the built-in coach answers.';
    case 'unauthorized':
      return 'The AI service refused the key (401): check OPENROUTER_API_KEY. Until it works, the built-in coach answers.';
    case 'payment_required':
      return 'The AI account has no credit left (402): top it up with your AI provider.';
    case 'refused':
      return 'The AI service refused this request (403).';
    case 'model_not_found':
      return 'The AI service does not know the model: check AI_MODEL, or the model set with /prompt.';
    case 'bad_request':
      return 'The AI service rejected the request (400); the log has the detail.';
    case 'rate_limited':
      return 'The AI service is busy (rate limit); try again in a few minutes.';
    case 'server_error':
      return 'The AI service had an error on its side.';
    case 'network':
      return 'The AI service could not be reached (network).';
    case 'timeout':
      return `The AI did not answer within ${Math.round(timeoutMs / 1000)} s.`;
    case 'empty':
      return 'The AI sent an empty answer.';
    case 'invalid_output':
      return 'The AI answered in a form I could not use, twice.';
  }
}
