import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import OpenAI, { type APIError } from 'openai';
import { FakeAi } from './fake-ai.ts';

const MODEL = 'anthropic/claude-sonnet-4';
const MESSAGES = [
  { role: 'system' as const, content: 'You are a cycling coach.' },
  { role: 'user' as const, content: 'How was my ride?' },
];
const PROMPT_TOKENS = Math.ceil(('You are a cycling coach.'.length + 'How was my ride?'.length) / 4);
const VALUE = { summary: 'Solid endurance ride', tss: 82, zones: [12, 55, 25, 8] };

let ai: FakeAi;
beforeEach(async () => {
  ai = await FakeAi.start();
});
afterEach(async () => {
  await ai.stop();
});

function client(opts: { apiKey?: string; timeout?: number } = {}): OpenAI {
  return new OpenAI({ apiKey: opts.apiKey ?? ai.apiKey, baseURL: ai.baseUrl, maxRetries: 0, timeout: opts.timeout ?? 5000 });
}
const ask = (c = client(), extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
  c.chat.completions.create({ model: MODEL, messages: MESSAGES, ...extra });
const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e);

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Raw HTTP, for what the SDK never sends. */
async function raw(path: string, init: RequestInit = {}) {
  const res = await fetch(`${ai.baseUrl}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${ai.apiKey}`, 'content-type': 'application/json' }, ...init,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('successful replies as the SDK sees them', () => {
  it('json: a chat.completion with the JSON as content, the model echoed and usage estimated', async () => {
    ai.enqueue({ kind: 'json', value: VALUE });
    const res = await ask();
    const content = JSON.stringify(VALUE);
    expect(res).toMatchObject({ object: 'chat.completion', model: MODEL, choices: [{ index: 0, finish_reason: 'stop' }] });
    expect(res.id).toMatch(/^gen-/);
    expect(res.created).toBeCloseTo(Date.now() / 1000, -1);
    expect(res.choices[0]?.message).toMatchObject({ role: 'assistant', content });
    const completionTokens = Math.ceil(content.length / 4);
    expect(res.usage).toEqual({ prompt_tokens: PROMPT_TOKENS, completion_tokens: completionTokens, total_tokens: PROMPT_TOKENS + completionTokens });
  });

  it('fenced: pretty JSON inside a ```json fence', async () => {
    ai.enqueue({ kind: 'fenced', value: VALUE });
    const content = (await ask()).choices[0]?.message.content ?? '';
    expect(content).toBe('```json\n' + JSON.stringify(VALUE, null, 2) + '\n```');
  });

  it('prose: JSON wrapped in chatter', async () => {
    ai.enqueue({ kind: 'prose', value: VALUE });
    const content = (await ask()).choices[0]?.message.content ?? '';
    expect(content).toMatch(/^Sure! Here is the analysis:\n\{/);
    expect(content).toMatch(/\}\nLet me know if /);
    expect(JSON.parse(content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1))).toEqual(VALUE);
  });

  it('text: content as given', async () => {
    ai.enqueue({ kind: 'text', text: 'Easy spin tomorrow.' });
    expect((await ask()).choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Easy spin tomorrow.' } });
  });

  it('truncated: half the JSON with finish_reason length', async () => {
    ai.enqueue({ kind: 'truncated', value: VALUE });
    const [choice] = (await ask()).choices;
    const content = choice?.message.content ?? '';
    expect(choice?.finish_reason).toBe('length');
    expect(JSON.stringify(VALUE).startsWith(content)).toBe(true);
    expect(content.length).toBe(Math.ceil(JSON.stringify(VALUE).length / 2));
    expect(() => JSON.parse(content)).toThrow();
  });

  it('empty: no choices at all', async () => {
    ai.enqueue({ kind: 'empty' });
    const res = await ask();
    expect(res.choices).toEqual([]);
    expect(res.usage?.completion_tokens).toBe(0);
  });

  it('null_content: one choice whose content is null', async () => {
    ai.enqueue({ kind: 'null_content' });
    expect((await ask()).choices[0]?.message.content).toBeNull();
  });

  it('slow within the SDK timeout: answers after the delay', async () => {
    ai.enqueue({ kind: 'slow', delayMs: 200, then: { kind: 'json', value: VALUE } });
    const started = Date.now();
    const res = await ask();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.choices[0]?.message.content).toBe(JSON.stringify(VALUE));
  });

  it('answers in queue order, then the default, which can be a function of the request', async () => {
    ai.enqueue({ kind: 'text', text: 'one' }, { kind: 'text', text: 'two' });
    const contents = async (n: number) => {
      const out: (string | null | undefined)[] = [];
      for (let i = 0; i < n; i++) out.push((await ask()).choices[0]?.message.content);
      return out;
    };
    expect(await contents(3)).toEqual(['one', 'two', 'OK from the fake model']);
    ai.setDefault((request) => ({ kind: 'text', text: `seen ${request.body.messages.length} messages` }));
    expect(await contents(1)).toEqual(['seen 2 messages']);
    ai.setDefault({ kind: 'json', value: { ok: true } });
    expect(await contents(1)).toEqual(['{"ok":true}']);
  });
});

describe('failures as the SDK sees them', () => {
  it('a wrong key gets 401 without consuming the queue', async () => {
    ai.enqueue({ kind: 'text', text: 'for the right key' });
    const err = await failure(ask(client({ apiKey: 'sk-or-wrong' })));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 401, error: { message: 'No auth credentials found', code: 401 } });
    expect((await ask()).choices[0]?.message.content).toBe('for the right key');
  });

  it('429 is a RateLimitError with Retry-After visible', async () => {
    ai.enqueue({ kind: 'status', status: 429, message: 'Rate limit exceeded: free-models-per-min', retryAfterS: 7 });
    const err = await failure(ask());
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as APIError;
    expect(e.status).toBe(429);
    expect(e.headers?.get('retry-after')).toBe('7');
    expect(e.message).toBe('429 Rate limit exceeded: free-models-per-min');
  });

  it('5xx is an InternalServerError with OpenRouter\'s body shape', async () => {
    ai.enqueue({ kind: 'status', status: 502 });
    const err = await failure(ask());
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 502, error: { message: 'Provider returned error', code: 502 } });
    expect((err as APIError).headers?.get('retry-after')).toBeNull();
  });

  it('reset is an APIConnectionError, and the server keeps serving', async () => {
    ai.enqueue({ kind: 'reset' });
    const err = await failure(ask());
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(err).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect((await ask()).choices[0]?.message.content).toBe('OK from the fake model');
  });

  it('slow beyond the SDK timeout is an APIConnectionTimeoutError, and the server keeps serving', async () => {
    ai.enqueue({ kind: 'slow', delayMs: 1000, then: { kind: 'text', text: 'too late' } });
    const err = await failure(ask(client({ timeout: 100 })));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect((await ask()).choices[0]?.message.content).toBe('OK from the fake model');
  });
});

describe('requests', () => {
  it('are recorded with method, path, headers, parsed body and time', async () => {
    const before = Date.now();
    await ask(client(), { response_format: { type: 'json_object' }, temperature: 0.2 });
    expect(ai.requests).toHaveLength(1);
    const [request] = ai.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/chat/completions' });
    expect(request?.headers.authorization).toBe(`Bearer ${ai.apiKey}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({ model: MODEL, messages: MESSAGES, response_format: { type: 'json_object' }, temperature: 0.2 });
    expect(request?.at).toBeGreaterThanOrEqual(before);
    expect(ai.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  });

  it('refuseJsonSchema rejects json_schema with 400 until turned off, leaving the queue alone', async () => {
    const schema = { type: 'json_schema' as const, json_schema: { name: 'analysis', schema: { type: 'object' } } };
    ai.enqueue({ kind: 'json', value: VALUE });
    ai.refuseJsonSchema(true);
    const err = await failure(ask(client(), { response_format: schema }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/does not support response_format json_schema/);
    expect((await ask(client(), { response_format: { type: 'json_object' } })).choices[0]?.message.content).toBe(JSON.stringify(VALUE));
    ai.refuseJsonSchema(false);
    expect((await ask(client(), { response_format: schema })).choices[0]?.message.content).toBe('OK from the fake model');
  });

  it('reset() clears the queue, the default and the recorded requests', async () => {
    ai.enqueue({ kind: 'text', text: 'queued' });
    ai.setDefault({ kind: 'empty' });
    await ask();
    ai.reset();
    expect(ai.requests).toEqual([]);
    expect((await ask()).choices[0]?.message.content).toBe('OK from the fake model');
  });

  it('answers what the SDK never sends with OpenRouter-shaped errors', async () => {
    expect(await raw('/models', { method: 'GET' })).toMatchObject({ status: 404, body: { error: { code: 404 } } });
    expect(await raw('/chat/completions', { body: '{nope' })).toMatchObject({ status: 400, body: { error: { code: 400 } } });
    expect(await raw('/chat/completions', { body: JSON.stringify({ model: MODEL, messages: MESSAGES, stream: true }) }))
      .toMatchObject({ status: 400, body: { error: { code: 400 } } });
    expect(await raw('/chat/completions', { headers: {}, body: JSON.stringify({ model: MODEL, messages: MESSAGES }) }))
      .toEqual({ status: 401, body: { error: { message: 'No auth credentials found', code: 401 } } });
    expect(ai.requests.map((r) => typeof r.body)).toEqual(['string', 'object', 'object']);
  });
});

it('stop() with a slow reply pending returns promptly and the client sees a connection error', async () => {
  const own = await FakeAi.start({ apiKey: 'sk-or-other' });
  own.enqueue({ kind: 'slow', delayMs: 60_000, then: { kind: 'text', text: 'never' } });
  const pending = failure(new OpenAI({ apiKey: own.apiKey, baseURL: own.baseUrl, maxRetries: 0, timeout: 120_000 })
    .chat.completions.create({ model: MODEL, messages: MESSAGES }));
  await until(() => own.requests.length === 1);
  const started = Date.now();
  await own.stop();
  expect(Date.now() - started).toBeLessThan(1000);
  expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
});
