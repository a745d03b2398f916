// An OpenAI-compatible chat completions API (shaped like OpenRouter) over real HTTP, so the `openai` SDK
// runs unmodified in tests: its status → error mapping, timeouts and connection errors all stay real.
//
//   const ai = await FakeAi.start();                    // configure the client with ai.baseUrl / ai.apiKey
//   ai.enqueue({ kind: 'json', value: { tss: 80 } }, { kind: 'status', status: 429, retryAfterS: 2 });
//   ...                                                  // each request takes the next reply, then the default
//   expect(ai.requests[0]?.body.model).toBe('...');
//   await ai.stop();
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export type FakeAiReply =
  | { kind: 'json'; value: unknown }
  | { kind: 'fenced'; value: unknown }
  | { kind: 'prose'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'truncated'; value: unknown }
  | { kind: 'empty' }
  | { kind: 'null_content' }
  | { kind: 'status'; status: number; message?: string; retryAfterS?: number }
  | { kind: 'slow'; delayMs: number; then: FakeAiReply }
  | { kind: 'reset' };

export interface RecordedAiRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; the raw text when it was not JSON. */
  body: any;
  at: number;
}

type DefaultReply = FakeAiReply | ((request: RecordedAiRequest) => FakeAiReply);

const BASE_PATH = '/api/v1';
const DEFAULT_REPLY: FakeAiReply = { kind: 'text', text: 'OK from the fake model' };
const STATUS_MESSAGES: Record<number, string> = {
  400: 'Bad Request', 401: 'No auth credentials found', 402: 'Insufficient credits', 403: 'Forbidden',
  408: 'Request timed out', 429: 'Rate limit exceeded', 500: 'Internal Server Error', 502: 'Provider returned error',
  503: 'No available providers',
};

export class FakeAi {
  readonly requests: RecordedAiRequest[] = [];
  private queue: FakeAiReply[] = [];
  private fallback: DefaultReply = DEFAULT_REPLY;
  private refusing = false;
  private stopped = false;
  /** Pending `slow` delays, so stop() can end them instead of leaving timers behind. */
  private readonly delays = new Set<() => void>();

  private constructor(private readonly server: Server, readonly baseUrl: string, readonly apiKey: string) {}

  static async start(options: { apiKey?: string } = {}): Promise<FakeAi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const ai = new FakeAi(server, `http://127.0.0.1:${port}${BASE_PATH}`, options.apiKey ?? 'sk-or-test-key');
    server.on('request', (req, res) => void ai.onRequest(req, res).catch((err: unknown) => sendError(res, 500, String(err))));
    return ai;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const end of this.delays) end();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  enqueue(...replies: FakeAiReply[]): void {
    this.queue.push(...replies);
  }

  setDefault(reply: DefaultReply): void {
    this.fallback = reply;
  }

  refuseJsonSchema(on: boolean): void {
    this.refusing = on;
  }

  /** Back to a fresh server: no queue, default reply, requests, or json_schema refusal. */
  reset(): void {
    this.queue = [];
    this.fallback = DEFAULT_REPLY;
    this.refusing = false;
    this.requests.splice(0);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === `${BASE_PATH}/key`) return this.keyInfo(req, res, path);
    if (req.method !== 'POST' || path !== `${BASE_PATH}/chat/completions`) {
      req.resume();
      return sendError(res, 404, `Not Found: ${req.method} ${path}`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any = text;
    let parsed = true;
    try {
      body = JSON.parse(text);
    } catch {
      parsed = false;
    }
    const request: RecordedAiRequest = { method: req.method, path, headers: { ...req.headers }, body, at: Date.now() };
    this.requests.push(request);

    // Rejections below happen before a model is reached, so they leave the queue alone.
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return sendError(res, 401, STATUS_MESSAGES[401]!);
    if (!parsed || typeof body !== 'object' || body === null) return sendError(res, 400, 'Invalid JSON in request body');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return sendError(res, 400, 'messages: expected a non-empty array');
    if (body.stream === true) return sendError(res, 400, 'This fake does not stream');
    if (this.refusing && body.response_format?.type === 'json_schema') {
      return sendError(res, 400, `${String(body.model)} does not support response_format json_schema`);
    }

    let reply = this.queue.shift() ?? (typeof this.fallback === 'function' ? this.fallback(request) : this.fallback);
    while (reply.kind === 'slow') {
      await this.delay(reply.delayMs, res);
      if (this.stopped || res.destroyed) return;
      reply = reply.then;
    }
    this.answer(req, res, body, reply);
  }

  /** OpenRouter's GET /key: what the key may spend, or 401 for a wrong key. Free: it leaves the reply queue alone. */
  private keyInfo(req: IncomingMessage, res: ServerResponse, path: string): void {
    req.resume();
    this.requests.push({ method: 'GET', path, headers: { ...req.headers }, body: '', at: Date.now() });
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return sendError(res, 401, STATUS_MESSAGES[401]!);
    sendJson(res, 200, { data: { label: 'Cycling coach', limit: null, limit_remaining: null, limit_reset: null, usage: 0, is_free_tier: false, is_management_key: false } });
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: any, reply: Exclude<FakeAiReply, { kind: 'slow' }>): void {
    switch (reply.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'status': {
        const headers: Record<string, string> = reply.retryAfterS === undefined ? {} : { 'retry-after': String(reply.retryAfterS) };
        return sendError(res, reply.status, reply.message ?? STATUS_MESSAGES[reply.status] ?? `HTTP ${reply.status}`, headers);
      }
      case 'empty':
        return sendJson(res, 200, completion(body, []));
      case 'null_content':
        return sendJson(res, 200, completion(body, [choice(null, 'stop')]));
      case 'text':
        return sendJson(res, 200, completion(body, [choice(reply.text, 'stop')]));
      case 'json':
        return sendJson(res, 200, completion(body, [choice(JSON.stringify(reply.value), 'stop')]));
      case 'fenced':
        return sendJson(res, 200, completion(body, [choice('```json\n' + JSON.stringify(reply.value, null, 2) + '\n```', 'stop')]));
      case 'prose': {
        const content = `Sure! Here is the analysis:\n${JSON.stringify(reply.value, null, 2)}\nLet me know if you want me to adjust anything.`;
        return sendJson(res, 200, completion(body, [choice(content, 'stop')]));
      }
      case 'truncated': {
        const json = JSON.stringify(reply.value);
        return sendJson(res, 200, completion(body, [choice(json.slice(0, Math.ceil(json.length / 2)), 'length')]));
      }
    }
  }

  /** Resolves after `ms`, or early when the client goes away or the server stops. */
  private delay(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        res.off('close', end);
        this.delays.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      res.on('close', end);
      this.delays.add(end);
    });
  }
}

interface Choice {
  index: number;
  message: { role: 'assistant'; content: string | null; refusal: null };
  finish_reason: 'stop' | 'length';
  native_finish_reason: string;
  logprobs: null;
}

function choice(content: string | null, finishReason: Choice['finish_reason']): Choice {
  return { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: finishReason, native_finish_reason: finishReason, logprobs: null };
}

function completion(body: any, choices: Choice[]) {
  const promptChars = (body.messages as unknown[]).reduce<number>((sum, m) => sum + contentLength((m as { content?: unknown })?.content), 0);
  const prompt_tokens = Math.ceil(promptChars / 4);
  const completion_tokens = Math.ceil(choices.reduce((sum, c) => sum + (c.message.content?.length ?? 0), 0) / 4);
  return {
    id: `gen-${Math.floor(Date.now() / 1000)}-${randomBytes(10).toString('base64url')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof body.model === 'string' ? body.model : 'openrouter/auto',
    choices,
    usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens },
  };
}

/** Message content is a string or an array of parts; only text parts count. */
function contentLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  return content.reduce<number>((sum, part) => sum + (typeof part?.text === 'string' ? part.text.length : 0), 0);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, code: status } }, headers);
}
