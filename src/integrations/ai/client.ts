import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { AiFailure, toAiFailure } from './failure.ts';
import { readJsonReply } from './json-reply.ts';

export type AiMessage = ChatCompletionMessageParam;

export interface AiClientOptions {
  apiKey: string;
  /** Any OpenAI-compatible endpoint: OpenRouter, a local Ollama or vLLM, a test double. */
  baseUrl: string;
  /** The whole call may take this long, retries and the repair round trip included. */
  timeoutMs: number;
  /** Retries after the first attempt on 429, 5xx and network errors. */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AiCallRequest<T> {
  model: string;
  messages: AiMessage[];
  /** Structured output: the answer must be one JSON object of this schema. Without it, the answer is text. */
  schema?: { name: string; zod: z.ZodType<T> };
  maxTokens: number;
}

export interface AiCallStats {
  /** HTTP requests made. */
  attempts: number;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  /** The first answer was unusable and the model fixed it when told why. */
  repaired: boolean;
}

type Outcome<T> = { ok: true; value: T; truncated: boolean } | { ok: false; failure: AiFailure };
export type AiCallResult<T> = Outcome<T> & { stats: AiCallStats };

const DEFAULT_MAX_RETRIES = 2;
const BASE_BACKOFF_MS = 1_000;

/**
 * The one way we talk to a model. The SDK's own retries are off: they ignore
 * an overall deadline and cap Retry-After at 60 s, and a chat waiting on the
 * coach must know the longest it can wait (AI_TIMEOUT_S). Here every attempt
 * gets what is left of that budget.
 */
export class AiClient {
  /** The SDK (some 13 MB) is loaded by the first call: a bot whose coach is never asked does not carry it. */
  private openai: Promise<OpenAI> | undefined;
  /** The SDK's classes, once loaded: its errors are instances of them. */
  private sdk: typeof OpenAI | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Models that answered 400 to `response_format: json_schema`: asked for JSON in words only. */
  private readonly noJsonSchema = new Set<string>();

  constructor(private readonly options: AiClientOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private connect(): Promise<OpenAI> {
    this.openai ??= import('openai').then(({ default: Sdk }) => {
      this.sdk = Sdk;
      return new Sdk({
        apiKey: this.options.apiKey,
        baseURL: this.options.baseUrl,
        maxRetries: 0,
        timeout: this.options.timeoutMs,
        // OpenRouter's optional app attribution: a name, nothing about the rider
        defaultHeaders: { 'X-Title': 'Cycling Coach (self-hosted)', 'X-OpenRouter-Title': 'Cycling Coach (self-hosted)' },
      });
    });
    return this.openai;
  }

  async call<T = string>(request: AiCallRequest<T>): Promise<AiCallResult<T>> {
    const started = Date.now();
    const deadline = started + this.options.timeoutMs;
    const stats: AiCallStats = { attempts: 0, tokensIn: 0, tokensOut: 0, latencyMs: 0, repaired: false };
    const done = (outcome: Outcome<T>): AiCallResult<T> => ({ ...outcome, stats: { ...stats, latencyMs: Date.now() - started } });
    try {
      const messages = request.schema ? withSchemaInstruction(request.messages, request.schema.zod) : request.messages;
      const first = await this.send(request, messages, deadline, stats);
      const read = this.read(request, first);
      if (read.ok || !request.schema) return done(read.ok ? read : { ok: false, failure: read.failure });
      // one repair round trip: the model sees its answer and what was wrong with it
      stats.repaired = true;
      const repair: AiMessage[] = [
        ...messages,
        { role: 'assistant', content: first.content ?? '' },
        {
          role: 'user',
          content: `That answer could not be used: ${read.problem}. Reply again with only the corrected JSON object, matching the schema.`,
        },
      ];
      const second = this.read(request, await this.send(request, repair, deadline, stats));
      return done(second.ok ? second : { ok: false, failure: new AiFailure('invalid_output', `after one repair: ${second.problem}`) });
    } catch (error) {
      return done({ ok: false, failure: this.withoutKey(toAiFailure(error, this.sdk)) });
    }
  }

  /** A server may echo the key in an error; it must not reach the log or the database. */
  private withoutKey(failure: AiFailure): AiFailure {
    if (!failure.detail.includes(this.options.apiKey)) return failure;
    return new AiFailure(failure.kind, failure.detail.replaceAll(this.options.apiKey, '[redacted]'), failure.retryAfterMs);
  }

  private read<T>(
    request: AiCallRequest<T>,
    reply: Reply,
  ): { ok: true; value: T; truncated: boolean } | { ok: false; problem: string; failure: AiFailure } {
    const content = reply.content?.trim() ?? '';
    const cut = reply.finishReason === 'length';
    if (!request.schema) {
      if (!content) return { ok: false, problem: 'empty', failure: new AiFailure('empty', reply.empty ? 'no choices' : 'no content') };
      return { ok: true, value: content as T, truncated: cut };
    }
    if (!content) {
      const problem = reply.empty ? 'the reply had no choices' : 'the reply was empty';
      return { ok: false, problem, failure: new AiFailure('empty', problem) };
    }
    const parsed = readJsonReply(content, request.schema.zod);
    if (parsed.ok) return { ok: true, value: parsed.value, truncated: false };
    const problem = cut ? `it was cut off before the end (too long): keep it shorter; ${parsed.problem}` : parsed.problem;
    return { ok: false, problem, failure: new AiFailure('invalid_output', problem) };
  }

  /** One request, retried on 429 / 5xx / network errors within the deadline. Throws AiFailure. */
  private async send<T>(request: AiCallRequest<T>, messages: AiMessage[], deadline: number, stats: AiCallStats): Promise<Reply> {
    const maxRetries = this.options.maxRetries ?? DEFAULT_MAX_RETRIES;
    for (let retry = 0; ; retry++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new AiFailure('timeout', `no answer within ${this.options.timeoutMs} ms`);
      const useSchema = request.schema !== undefined && !this.noJsonSchema.has(request.model);
      stats.attempts++;
      try {
        const openai = await this.connect();
        const completion = await openai.chat.completions.create(this.body(request, messages, useSchema), { timeout: remaining });
        stats.tokensIn += completion.usage?.prompt_tokens ?? 0;
        stats.tokensOut += completion.usage?.completion_tokens ?? 0;
        const choice = completion.choices?.[0];
        return { content: choice?.message?.content ?? null, finishReason: choice?.finish_reason ?? null, empty: !choice };
      } catch (error) {
        const failure = toAiFailure(error, this.sdk);
        if (useSchema && failure.kind === 'bad_request' && /response_format|json_schema|structured/i.test(failure.message)) {
          // this model takes no JSON Schema: ask in words (the instruction is in the prompt) and read the text
          this.noJsonSchema.add(request.model);
          retry--;
          continue;
        }
        if (failure.kind === 'timeout') throw new AiFailure('timeout', `no answer within ${this.options.timeoutMs} ms`);
        if (!failure.retryable || retry >= maxRetries) throw failure;
        const waitMs = failure.retryAfterMs ?? BASE_BACKOFF_MS * 2 ** retry * (0.8 + Math.random() * 0.4);
        if (Date.now() + waitMs >= deadline) throw failure;
        await this.sleep(waitMs);
      }
    }
  }

  private body<T>(request: AiCallRequest<T>, messages: AiMessage[], useSchema: boolean): ChatCompletionCreateParamsNonStreaming {
    return {
      model: request.model,
      messages,
      max_tokens: request.maxTokens,
      ...(useSchema && request.schema
        ? {
            response_format: {
              type: 'json_schema',
              json_schema: { name: request.schema.name, schema: jsonSchemaOf(request.schema.zod), strict: true },
            },
          }
        : {}),
    };
  }
}

interface Reply {
  content: string | null;
  finishReason: ChatCompletion.Choice['finish_reason'] | null;
  /** The response had no choice at all. */
  empty: boolean;
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}

/** Models that ignore response_format still see the schema: it closes the first message. */
function withSchemaInstruction(messages: AiMessage[], schema: z.ZodType): AiMessage[] {
  const instruction = `\n\nAnswer with one JSON object and nothing else, matching this JSON Schema:\n${JSON.stringify(jsonSchemaOf(schema))}`;
  const [first, ...rest] = messages;
  if (!first || typeof first.content !== 'string') return messages;
  return [{ ...first, content: first.content + instruction } as AiMessage, ...rest];
}
