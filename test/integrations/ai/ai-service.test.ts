import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.ts';
import { aiCalls } from '../../../src/db/schema.ts';
import { rideFeedbackSchema, type RideFeedback } from '../../../src/domain/coach/feedback.ts';
import { AiClient } from '../../../src/integrations/ai/client.ts';
import { createLogger } from '../../../src/logger.ts';
import { AiService, type AiRun } from '../../../src/services/ai.ts';
import { PromptLibrary } from '../../../src/services/prompts.ts';
import { openTestDatabase } from '../../support/database.ts';
import { FakeAi, type FakeAiReply } from '../../support/fake-ai.ts';
import { LogCapture } from '../../support/logs.ts';

const MODEL = 'test/model-large';
const TIMEOUT_MS = 800;
const FEEDBACK: RideFeedback = {
  performance_summary: 'A steady endurance ride, paced evenly.',
  strengths: ['Even pacing: VI 1.03.'],
  areas_for_improvement: ['Heart rate drifted 6.2 % in the second half.'],
  training_suggestions: ['Keep one long ride a week.'],
  next_workout_recommendations: ['Tomorrow: 45 min easy at 55 % FTP (145 W).'],
  performance_score: 7,
};
const VALUES = {
  today: 'Wednesday 2 December 2026',
  athlete: 'FTP 265 W',
  fitness: 'CTL 50',
  ride: 'NP 212 W, IF 0.80, TSS 133',
  planned_workout: 'none',
  recent_rides: '- none',
  current_plan: 'No training plan yet.',
  goal: 'none',
  rules: 'none',
  reject_reasons: 'none',
};

let database: Database;
let close: () => Promise<void>;
let fake: FakeAi;
let logs: LogCapture;
let waits: number[];
let service: AiService;

function serviceWith(client: AiClient | undefined): AiService {
  const logger = createLogger({ level: 'debug', pretty: false, secrets: [fake.apiKey], destination: logs });
  return new AiService({ db: database.db, prompts: new PromptLibrary(database.db), client, defaultModel: MODEL, timeoutMs: TIMEOUT_MS, logger });
}

function clientWith(apiKey = fake.apiKey, timeoutMs = TIMEOUT_MS): AiClient {
  return new AiClient({ apiKey, baseUrl: fake.baseUrl, timeoutMs, sleep: async (ms) => void waits.push(ms) });
}

const analyse = (s = service): Promise<AiRun<RideFeedback>> =>
  s.run({ action: 'workout_analysis', values: VALUES, schema: { name: 'ride_feedback', zod: rideFeedbackSchema }, maxTokens: 800, fallback: 'built-in' });

async function lastCall() {
  const rows = await database.db.select().from(aiCalls).orderBy(asc(aiCalls.id));
  return rows.at(-1)!;
}

async function analyseWith(...replies: FakeAiReply[]) {
  fake.enqueue(...replies);
  const result = await analyse();
  return { result, row: await lastCall() };
}

beforeAll(async () => {
  ({ database, close } = await openTestDatabase());
  await new PromptLibrary(database.db).seed();
  fake = await FakeAi.start();
});

afterAll(async () => {
  await fake?.stop();
  await close?.();
});

beforeEach(() => {
  fake.reset();
  logs = new LogCapture();
  waits = [];
  service = serviceWith(clientWith());
});

describe('structured answers', () => {
  it.each([
    ['bare JSON', { kind: 'json', value: FEEDBACK }],
    ['fenced JSON', { kind: 'fenced', value: FEEDBACK }],
    ['JSON with prose around it', { kind: 'prose', value: FEEDBACK }],
  ] as const)('reads %s into the schema and records one ok call', async (_name, reply) => {
    const { result, row } = await analyseWith(reply);
    expect(result).toMatchObject({ ok: true, value: FEEDBACK, model: MODEL });
    expect(row).toMatchObject({ action: 'workout_analysis', model: MODEL, outcome: 'ok', answeredBy: 'ai', attempts: 1, error: null });
    expect(row.tokensIn).toBeGreaterThan(100);
    expect(row.tokensOut).toBeGreaterThan(10);
    expect(result.ok && result.promptId).toBe(row.promptId);
  });

  it('sends the key, the model, the filled prompt and the zod schema as JSON Schema', async () => {
    await analyseWith({ kind: 'json', value: FEEDBACK });
    const [request] = fake.requests;
    expect(request!.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request!.headers['x-title']).toBe('Cycling Coach (self-hosted)');
    expect(request!.body.model).toBe(MODEL);
    expect(request!.body.response_format.type).toBe('json_schema');
    const schema = request!.body.response_format.json_schema;
    expect(schema).toMatchObject({ name: 'ride_feedback', strict: true });
    expect(schema.schema.required).toEqual(Object.keys(FEEDBACK));
    expect(schema.schema.additionalProperties).toBe(false);
    const [message] = request!.body.messages;
    expect(message.role).toBe('user');
    expect(message.content).toContain('NP 212 W, IF 0.80, TSS 133');
    expect(message.content).not.toMatch(/\{\{\w+\}\}/);
    expect(message.content).toContain('"performance_score"');
  });

  it.each([
    ['schema-invalid JSON', { kind: 'json', value: { ...FEEDBACK, performance_score: 14 } }, 'performance_score'],
    ['truncated output', { kind: 'truncated', value: FEEDBACK }, 'cut off'],
    ['an empty choice', { kind: 'empty' }, 'no choices'],
    ['no JSON at all', { kind: 'text', text: 'The ride was good!' }, 'no JSON object'],
  ] as const)('repairs %s once by sending the problem back', async (_name, bad, problem) => {
    const { result, row } = await analyseWith(bad, { kind: 'json', value: FEEDBACK });
    expect(result).toMatchObject({ ok: true, value: FEEDBACK });
    expect(row).toMatchObject({ outcome: 'repaired', attempts: 2, answeredBy: 'ai' });
    const repair = fake.requests[1]!.body.messages.at(-1);
    expect(repair.role).toBe('user');
    expect(repair.content).toContain(problem);
  });

  it('gives up after one repair with a typed failure, and the row says the built-in coach answered', async () => {
    const bad = { kind: 'json', value: { ...FEEDBACK, strengths: 'many' } } as const;
    const { result, row } = await analyseWith(bad, bad);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.failure.kind).toBe('invalid_output');
    expect(!result.ok && result.notice).toBe('The AI answered in a form I could not use, twice.');
    expect(row).toMatchObject({ outcome: 'invalid_output', attempts: 2, answeredBy: 'built-in' });
    expect(row.error).toContain('strengths');
  });

  it('asks in words when the model refuses response_format json_schema, and remembers that', async () => {
    fake.refuseJsonSchema(true);
    const { result, row } = await analyseWith({ kind: 'prose', value: FEEDBACK }, { kind: 'fenced', value: FEEDBACK });
    expect(result.ok).toBe(true);
    expect(row.outcome).toBe('ok');
    expect(fake.requests.map((r) => r.body.response_format?.type ?? 'none')).toEqual(['json_schema', 'none']);
    expect(fake.requests[1]!.body.messages[0].content).toContain('matching this JSON Schema');
    await analyse();
    expect(fake.requests[2]!.body.response_format).toBeUndefined();
  });
});

describe('failures', () => {
  it('retries 429 after the Retry-After the server asked for', async () => {
    const { result, row } = await analyseWith({ kind: 'status', status: 429, retryAfterS: 0.5 }, { kind: 'json', value: FEEDBACK });
    expect(result.ok).toBe(true);
    expect(waits).toEqual([500]);
    expect(row).toMatchObject({ outcome: 'ok', attempts: 2 });
  });

  it('does not wait for a Retry-After beyond the timeout', async () => {
    const { result, row } = await analyseWith({ kind: 'status', status: 429, retryAfterS: 120 });
    expect(!result.ok && result.failure.kind).toBe('rate_limited');
    expect(!result.ok && result.notice).toBe('The AI service is busy (rate limit); try again in a few minutes.');
    expect(waits).toEqual([]);
    expect(row).toMatchObject({ outcome: 'rate_limited', attempts: 1, answeredBy: 'built-in' });
  });

  it('retries 500 and network errors with backoff, at most twice', async () => {
    service = serviceWith(clientWith(fake.apiKey, 10_000)); // room for 1 s + 2 s of backoff
    const { result, row } = await analyseWith({ kind: 'status', status: 500 }, { kind: 'reset' }, { kind: 'status', status: 502 });
    expect(!result.ok && result.failure.kind).toBe('server_error');
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThan(waits[0]!);
    expect(row).toMatchObject({ outcome: 'server_error', attempts: 3 });
    const recovered = await analyseWith({ kind: 'reset' }, { kind: 'json', value: FEEDBACK });
    expect(recovered.row).toMatchObject({ outcome: 'ok', attempts: 2 });
  });

  it.each([
    [402, 'payment_required', 'The AI account has no credit left (402): top it up with your AI provider.'],
    [403, 'refused', 'The AI service refused this request (403).'],
    [404, 'model_not_found', 'The AI service does not know the model: check AI_MODEL, or the model set with /prompt.'],
  ] as const)('answers %i once, unretried, as %s with its own sentence', async (status, kind, notice) => {
    const { result, row } = await analyseWith({ kind: 'status', status });
    expect(result).toMatchObject({ ok: false, notice });
    expect(!result.ok && result.failure.kind).toBe(kind);
    expect(row).toMatchObject({ outcome: kind, attempts: 1 });
  });

  it('never retries 400', async () => {
    const { result, row } = await analyseWith({ kind: 'status', status: 400, message: 'Invalid request' });
    expect(!result.ok && result.failure.kind).toBe('bad_request');
    expect(row).toMatchObject({ outcome: 'bad_request', attempts: 1 });
    expect(waits).toEqual([]);
  });

  it('gives up on a reply slower than the timeout, within the timeout', async () => {
    const started = Date.now();
    const { result, row } = await analyseWith({ kind: 'slow', delayMs: 5_000, then: { kind: 'json', value: FEEDBACK } });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    expect(!result.ok && result.failure.kind).toBe('timeout');
    expect(!result.ok && result.notice).toBe('The AI did not answer within 1 s.');
    expect(row).toMatchObject({ outcome: 'timeout', answeredBy: 'built-in' });
  });

  it('says once that the key was refused, until a call succeeds again; the key reaches no log or row', async () => {
    const refused = serviceWith(clientWith('sk-or-wrong-key-123456'));
    const first = await analyse(refused);
    expect(!first.ok && first.failure.kind).toBe('unauthorized');
    expect(!first.ok && first.notice).toBe('The AI service refused the key (401): check OPENROUTER_API_KEY. Until it works, the built-in coach answers.');
    expect(fake.requests).toHaveLength(1); // never retried
    const second = await analyse(refused);
    expect(!second.ok && second.notice).toBeUndefined();
    fake.enqueue({ kind: 'json', value: FEEDBACK });
    expect((await analyse()).ok).toBe(true);
    const third = await analyse(refused);
    expect(!third.ok && third.notice).toContain('refused the key');
    expect(logs.text).toContain('ai call failed');
    expect(logs.text).not.toContain(fake.apiKey);
  });

  it('keeps a key the server echoes out of the database and the log', async () => {
    const { row } = await analyseWith({ kind: 'status', status: 400, message: `bad key format: ${fake.apiKey}` });
    expect(row.error).toContain('[redacted]');
    expect(row.error).not.toContain(fake.apiKey);
    expect(logs.text).not.toContain(fake.apiKey);
  });

  it('makes no call and records none without a key', async () => {
    const before = (await database.db.select().from(aiCalls)).length;
    const result = await analyse(serviceWith(undefined));
    expect(!result.ok && result.failure.kind).toBe('not_configured');
    expect(fake.requests).toHaveLength(0);
    expect((await database.db.select().from(aiCalls)).length).toBe(before);
  });
});

describe('plain text answers', () => {
  const chat = () =>
    service.run({
      action: 'coach_chat',
      values: { today: 'today', athlete: 'FTP 265 W', fitness: 'CTL 50', recent_rides: '-', plan: 'none', rules: 'none' },
      turns: [{ role: 'user', content: 'Should I go hard tomorrow?' }],
      maxTokens: 500,
      fallback: 'built-in',
    });

  it('sends the prompt as the system message before the turns, with no response_format', async () => {
    fake.enqueue({ kind: 'text', text: 'Yes, your form is +8.' });
    const result = await chat();
    expect(result).toMatchObject({ ok: true, value: 'Yes, your form is +8.', truncated: false });
    const body = fake.requests[0]!.body;
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    expect(body.messages[0].content).toContain('FTP 265 W');
    expect(body.response_format).toBeUndefined();
  });

  it('marks a truncated answer, and fails on an empty one', async () => {
    fake.enqueue({ kind: 'truncated', value: { a: 'long answer' } }, { kind: 'null_content' });
    expect(await chat()).toMatchObject({ ok: true, truncated: true });
    const empty = await chat();
    expect(!empty.ok && empty.failure.kind).toBe('empty');
    expect((await lastCall()).outcome).toBe('empty');
  });
});

describe('usage', () => {
  it('counts this month in the rider zone and names the last failure', async () => {
    const usage = await service.usage('Europe/Ljubljana');
    const rows = await database.db.select().from(aiCalls);
    expect(usage.calls).toBe(rows.length);
    expect(usage.tokensIn).toBe(rows.reduce((s, r) => s + r.tokensIn, 0));
    expect(usage.lastFailure?.outcome).toBe('empty');
    const nextMonth = await service.usage('Europe/Ljubljana', new Date(Date.now() + 40 * 86_400_000));
    expect(nextMonth.calls).toBe(0);
  });
});
