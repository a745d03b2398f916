import { and, asc, desc, eq } from 'drizzle-orm';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aiCalls, chatTurns, prompts } from '../../src/db/schema.ts';
import { startHarness, type Harness } from '../support/app.ts';
import { FakeAi } from '../support/fake-ai.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';

const RIDE_FILE = 'morning-ride.fit';


const textOf = (messages: Message[]) => messages.map((m) => m.text ?? m.caption ?? '').join('\n');

/** FTP 265 W and yesterday's 2-hour ride at a steady 200 W (IF 0.75, TSS 114), with GPS. */
async function addRide(h: Harness): Promise<void> {
  await h.answerTo(h.owner.send('/profile ftp 265'));
  const start = new Date(Date.now() - 30 * 3_600_000);
  const bytes = syntheticRideFit({ start, seconds: 7200, powerW: 200, hrBpm: 140 });
  await h.answerTo(h.owner.sendDocument({ fileName: RIDE_FILE, bytes }));
}

describe('the coach with an AI key', () => {
  let h: Harness;
  let ai: FakeAi;

  beforeAll(async () => {
    ai = await FakeAi.start();
    h = await startHarness({ OPENROUTER_API_KEY: ai.apiKey, AI_BASE_URL: ai.baseUrl, AI_MODEL: 'test/coach-model', AI_TIMEOUT_S: '2' }, undefined, { analysisWorker: false });
    await addRide(h);
  });

  afterAll(async () => {
    await h?.close();
    await ai?.stop();
  });

  beforeEach(() => ai.reset());

  it('answers a free question with the model, the rider real numbers in its context, no coordinates or file names', async () => {
    ai.enqueue({ kind: 'text', text: '**Yes.** Your form is positive: go for *2 × 20 min* at 250 W.' });
    const since = h.tg.mark();
    const [reply, ...rest] = await h.answerTo(h.owner.send('Should I go hard tomorrow?'));
    expect(rest).toEqual([]);
    expect(reply!.text).toBe('Yes. Your form is positive: go for 2 × 20 min at 250 W.');
    expect(reply!.entities?.map((e) => e.type)).toEqual(['bold', 'italic']);
    expect(h.tg.calls.slice(since).some((c) => c.method === 'sendChatAction' && c.params.action === 'typing')).toBe(true);

    const [request] = ai.requests;
    expect(request!.headers.authorization).toBe(`Bearer ${ai.apiKey}`);
    expect(request!.body.model).toBe('test/coach-model');
    const [system, question] = request!.body.messages;
    expect(question).toEqual({ role: 'user', content: 'Should I go hard tomorrow?' });
    expect(system.role).toBe('system');
    expect(system.content).toContain('FTP 265 W');
    expect(system.content).toMatch(/: cycling, 2 h 00 min, moving 2 h 00 min, 57\.6 km, NP 200 W, avg 200 W, IF 0\.75, TSS 11\d, VI 1\.00, avg HR 140 bpm/); // the ride, as our code computed it
    expect(system.content).toMatch(/form \(TSB\) -?\d+\.\d/);
    const body = JSON.stringify(request!.body);
    expect(body).not.toMatch(/-?\d{1,3}\.\d{5,}/); // no coordinates (lat/lon carry 5+ decimals)
    expect(body).not.toContain('morning-ride');
    expect(body).not.toContain(h.tg.token);
  });

  it('keeps the conversation: a follow-up is sent with the last turns', async () => {
    ai.enqueue({ kind: 'text', text: 'Keep it under 300 W.' });
    await h.answerTo(h.owner.send('And the power for the intervals?'));
    const roles = ai.requests[0]!.body.messages.map((m: { role: string; content: string }) => `${m.role}: ${m.content.slice(0, 40)}`);
    expect(roles.slice(1)).toEqual([
      'user: Should I go hard tomorrow?',
      'assistant: **Yes.** Your form is positive: go for *',
      'user: And the power for the intervals?',
    ]);
    const turns = await h.app.database.db.select().from(chatTurns).orderBy(asc(chatTurns.id));
    expect(turns.map((t) => [t.role, t.author])).toEqual([
      ['user', null],
      ['assistant', 'ai'],
      ['user', null],
      ['assistant', 'ai'],
    ]);
    expect(turns[1]!.promptId).not.toBeNull();
  });

  it('splits a long answer at Telegram limit and shows stray < and & as text', async () => {
    const paragraph = 'Keep HR < 150 & cadence > 90 on the climbs, <b>not</b> above. '.repeat(20);
    ai.enqueue({ kind: 'text', text: Array.from({ length: 10 }, (_, i) => `**Part ${i + 1}.** ${paragraph}`).join('\n\n') });
    const replies = await h.answerTo(h.owner.send('Tell me everything about climbing.'));
    expect(replies.length).toBeGreaterThanOrEqual(3);
    for (const r of replies) expect(r.text!.length).toBeLessThanOrEqual(4096);
    const all = textOf(replies);
    expect(all).toContain('Keep HR < 150 & cadence > 90 on the climbs, <b>not</b> above.');
    expect(all).toContain('Part 10.');
  });

  it('answers with the built-in coach and one line saying why when the endpoint fails', async () => {
    ai.setDefault({ kind: 'status', status: 500 });
    const [reply, ...rest] = await h.answerTo(h.owner.send("How's my form?"));
    expect(rest).toEqual([]);
    expect(reply!.text!.split('\n')[0]).toBe('The AI service had an error on its side.');
    expect(reply!.text).toMatch(/TSB|form/i);
    const [call] = await h.app.database.db.select().from(aiCalls).orderBy(desc(aiCalls.id)).limit(1);
    expect(call).toMatchObject({ action: 'coach_chat', outcome: 'server_error', answeredBy: 'built-in' });
    const [turn] = await h.app.database.db.select().from(chatTurns).orderBy(desc(chatTurns.id)).limit(1);
    expect(turn).toMatchObject({ role: 'assistant', author: 'built-in' });
  });

  it('answers within the timeout when the model is slower, and other updates wait no longer than that', async () => {
    ai.setDefault({ kind: 'slow', delayMs: 10_000, then: { kind: 'text', text: 'too late' } });
    const started = Date.now();
    h.owner.send('What is my FTP?');
    const help = h.owner.send('/help');
    const [answer, helpText] = await h.answerTo(help);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(answer!.text).toContain('The AI did not answer within 2 s.');
    expect(answer!.text).toContain('265 W');
    expect(helpText!.text).toContain('/prompts');
  });

  it('says once that the key was refused, until a call succeeds again', async () => {
    ai.enqueue({ kind: 'status', status: 401 }, { kind: 'status', status: 401 }, { kind: 'text', text: 'Back.' }, { kind: 'status', status: 401 });
    const first = textOf(await h.answerTo(h.owner.send('How was my last ride?')));
    expect(first).toContain('The AI service refused the key (401): check OPENROUTER_API_KEY.');
    const second = textOf(await h.answerTo(h.owner.send('How was my last ride?')));
    expect(second).not.toContain('refused the key');
    expect(second.length).toBeGreaterThan(40); // still answered, by the built-in coach
    expect(textOf(await h.answerTo(h.owner.send('Hello?')))).toBe('Back.');
    expect(textOf(await h.answerTo(h.owner.send('Hello?')))).toContain('refused the key');
  });

  it('/status shows this month calls and tokens and the last failure', async () => {
    const status = textOf(await h.answerTo(h.owner.send('/status')));
    expect(status).toMatch(/AI this month: \d+ calls, [\d,]+ tokens in, [\d,]+ out/);
    expect(status).toMatch(/Last AI failure: .*coach_chat: unauthorized/);
  });

  describe('prompts from the chat', () => {
    it('/prompts lists every action with its version and model', async () => {
      const [list] = await h.answerTo(h.owner.send('/prompts'));
      for (const action of ['coach_chat', 'workout_analysis', 'plan_generation', 'plan_evolution', 'rule_parsing']) {
        expect(list!.text).toContain(`${action} v1 (from prompts/), model test/coach-model (AI_MODEL)`);
      }
      expect(list!.reply_markup!.inline_keyboard.flat().map((b) => 'callback_data' in b && b.callback_data)).toContain('pr:s:coach_chat');
    });

    it('replaces a prompt from the chat, refuses a bad one with the list, rolls back, and picks a model', async () => {
      const db = h.app.database.db;
      const shown = await h.answerTo(h.owner.send('/prompt coach_chat'));
      expect(textOf(shown)).toContain('You are an experienced cycling coach');
      const [ask] = await h.answerTo(h.owner.press(shown.at(-1)!, 'pr:r:coach_chat'));
      expect(ask!.text).toContain('Send me the new text for coach_chat');
      const [refused] = await h.answerTo(h.owner.send('Be brief. {{athlete}} {{gps}}'));
      expect(refused!.text).toContain('I kept the current prompt: unknown placeholder {{gps}}; missing {{today}}, {{fitness}}');
      const template = 'Be very brief. {{today}} {{athlete}} {{fitness}} {{recent_rides}} {{plan}} {{rules}}';
      const [saved] = await h.answerTo(h.owner.send(template));
      expect(saved!.text).toContain('Saved: coach_chat is now v2');

      ai.enqueue({ kind: 'text', text: 'Short answer.' });
      await h.answerTo(h.owner.send('Quick tip?'));
      expect(ai.requests[0]!.body.messages[0].content).toMatch(/^Be very brief\. \w+day/);
      const [v2] = await db.select().from(prompts).where(and(eq(prompts.actionType, 'coach_chat'), eq(prompts.version, 2)));
      const [turn] = await db.select().from(chatTurns).orderBy(desc(chatTurns.id)).limit(1);
      expect(turn!.promptId).toBe(v2!.id);

      const again = await h.answerTo(h.owner.send('/prompt coach_chat'));
      const [rolledBack] = await h.answerTo(h.owner.press(again.at(-1)!, 'pr:u:coach_chat:1'));
      expect(rolledBack!.text).toContain('Rolled back: coach_chat is now v1');
      const [model] = await h.answerTo(h.owner.send('/prompt coach_chat model openai/gpt-4o-mini'));
      expect(model!.text).toContain('coach_chat is now v3, model openai/gpt-4o-mini');
      ai.enqueue({ kind: 'text', text: 'Fine.' });
      await h.answerTo(h.owner.send('Anything else?'));
      expect(ai.requests[1]!.body.model).toBe('openai/gpt-4o-mini');
      expect(ai.requests[1]!.body.messages[0].content).toContain('You are an experienced cycling coach');
    });

    it('says which prompts exist when the name is wrong, and what /prompt takes', async () => {
      const [reply] = await h.answerTo(h.owner.send('/prompt coach'));
      expect(reply!.text).toBe('There is no prompt called "coach". The prompts are: coach_chat, workout_analysis, plan_generation, plan_evolution, rule_parsing.');
      const [usage] = await h.answerTo(h.owner.send('/prompt coach_chat temperature 0.2'));
      expect(usage!.text).toBe('I know /prompt coach_chat and /prompt coach_chat model provider/model-id (or model default).');
    });
  });
});

describe('the coach without an AI key', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({}, undefined, { analysisWorker: false });
  });

  afterAll(async () => h?.close());

  it('answers the common questions from our numbers, and says plainly what needs a key', async () => {
    expect(textOf(await h.answerTo(h.owner.send("How's my form?")))).toMatch(/no rides/i);
    await addRide(h);
    const form = textOf(await h.answerTo(h.owner.send("How's my form?")));
    expect(form).toMatch(/TSB/);
    const ftp = textOf(await h.answerTo(h.owner.send('What are my power zones?')));
    expect(ftp).toContain('265 W');
    const other = textOf(await h.answerTo(h.owner.send('What should I eat before a gran fondo?')));
    expect(other).toContain('OPENROUTER_API_KEY');
    const turns = await h.app.database.db.select().from(chatTurns);
    expect(turns.filter((t) => t.role === 'assistant').every((t) => t.author === 'built-in')).toBe(true);
    expect(await h.app.database.db.select().from(aiCalls)).toEqual([]);
  });

  it('answers an unknown command with a pointer to /help', async () => {
    expect(textOf(await h.answerTo(h.owner.send('/frobnicate')))).toBe("I don't know that command. /help lists what I can do — or just ask me in plain words.");
  });
});
