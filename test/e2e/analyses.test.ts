import { asc, eq } from 'drizzle-orm';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyses, plans, rules } from '../../src/db/schema.ts';
import { addDays, mondayOf } from '../../src/domain/calendar.ts';
import { localDay } from '../../src/domain/load.ts';
import { checkPlan } from '../../src/domain/plan/checker.ts';
import { workoutOn, type Plan } from '../../src/domain/plan/plan.ts';
import type { RuleSet } from '../../src/domain/plan/rules.ts';
import { startHarness, type Harness } from '../support/app.ts';
import { FakeAi, type RecordedAiRequest } from '../support/fake-ai.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';
import { hard, plan, ride } from '../support/plans.ts';

/**
 * The loop the product exists for: a ride comes in, the coach analyses it
 * against the plan and proposes a change, the rider taps, and the plan evolves
 * exactly once. Rides are dated yesterday, so changes may touch today on.
 */
const TZ = 'Europe/Ljubljana';
const today = () => localDay(Date.now(), TZ);
const yesterday = () => addDays(today(), -1);
const buttonsOf = (m: Message | undefined) => m?.reply_markup?.inline_keyboard.flat().flatMap((b) => ('callback_data' in b ? [b.callback_data] : [])) ?? [];
const textOf = (m: Message | undefined) => m?.text ?? m?.caption ?? '';

/** A steady ride yesterday morning (10:00 or 11:00 local): `minutes` at `powerW`, HR 140. */
function rideFile(minutes: number, powerW: number, hour = 8): Uint8Array {
  return syntheticRideFit({ start: new Date(`${yesterday()}T${String(hour).padStart(2, '0')}:00:00Z`), seconds: minutes * 60, powerW, hrBpm: 140 });
}

/** Sends a ride file; returns its ride id (from the ride message). */
async function sendRide(h: Harness, bytes: Uint8Array, name = 'ride.fit'): Promise<number> {
  const answer = await h.answerTo(h.owner.sendDocument({ fileName: name, bytes }));
  const id = answer.map(textOf).join('\n').match(/ride (\d+)/)?.[1];
  if (!id) throw new Error(`no ride id in:\n${answer.map(textOf).join('\n')}`);
  return Number(id);
}

/** The analysis message for a ride that is newer than `after` (a message id). */
async function analysisOf(h: Harness, rideId: number, after = 0, timeoutMs = 30_000): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = h.owner.messages().find((m) => m.message_id > after && textOf(m).startsWith(`🚴 Ride ${rideId} `));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no analysis of ride ${rideId} in:\n${h.owner.messages().map(textOf).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const messageNow = (h: Harness, id: number) => h.owner.messages().find((m) => m.message_id === id)!;
const lastMessageId = (h: Harness) => h.owner.messages().at(-1)?.message_id ?? 0;

async function planRows(h: Harness) {
  return h.app.database.db.select().from(plans).orderBy(asc(plans.version));
}

/** A plan row written as if approved earlier: yesterday an hour of endurance, today an hour at threshold, more ahead. */
async function savePlan(h: Harness, p: Plan, reason = 'set up by the test'): Promise<void> {
  const rows = await planRows(h);
  const parent = rows.at(-1);
  await h.app.database.db.insert(plans).values({ version: (parent?.version ?? 0) + 1, parentPlanId: parent?.id ?? null, plan: p, reason });
}

function weekPlan(): Plan {
  const y = yesterday();
  const t = today();
  return plan([ride(y, 60), hard(t, 60), ride(addDays(t, 2), 90)], y, addDays(t, 13));
}

async function activeRules(h: Harness): Promise<RuleSet> {
  const rows = await h.app.database.db.select().from(rules).orderBy(asc(rules.version));
  return rows.at(-1)?.rules ?? { rules: [], notes: [] };
}

async function expectEveryVersionKeepsTheRules(h: Harness): Promise<void> {
  const set = await activeRules(h);
  for (const row of await planRows(h)) expect(checkPlan(row.plan, set, { eventDate: row.plan.goal?.date ?? null, from: today() })).toEqual([]);
}

describe('the analysis loop with the built-in coach (no AI key)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('no plan yet: the ride’s analysis proposes a first plan; Approve saves v1 once, the message says so and the week follows', async () => {
    const rideId = await sendRide(h, rideFile(60, 150));
    const message = await analysisOf(h, rideId);
    const text = textOf(message);
    expect(text).toContain('by the built-in coach');
    expect(text).toMatch(/1 h 00 min · [\d.]+ km · NP 150 W · IF 0\.75 · TSS 56 · avg HR 140 bpm/); // ours, FTP 200 W by default
    expect(text).toContain('Score ');
    expect(text).toContain('No plan yet — a first plan');
    const [row] = await h.app.database.db.select().from(analyses);
    expect(buttonsOf(message)).toEqual([`an:a:${row!.id}`, `an:x:${row!.id}`, `an:r:${row!.id}`]);
    expect(row).toMatchObject({ workoutId: rideId, status: 'sent', author: 'built-in', basePlanId: null, approved: null, telegramMessageId: message.message_id });

    const tap = h.owner.press(message, `an:a:${row!.id}`);
    const after = await h.answerTo(tap);
    expect(h.tg.calls.find((c) => c.method === 'answerCallbackQuery' && c.params.text === 'Plan v1 saved')).toBeDefined();
    const edited = messageNow(h, message.message_id);
    expect(textOf(edited)).toMatch(/^✅ Approved — plan v1\./);
    expect(buttonsOf(edited)).toEqual([`an:r:${row!.id}`]);
    expect(after.some((m) => m.photo && textOf(m).includes('Plan v1'))).toBe(true);
    const versions = await planRows(h);
    expect(versions).toHaveLength(1);
    expect(versions[0]!.reason).toMatch(new RegExp(`^Analysis ${row!.id} of ride ${rideId}: New plan`));
    const [decided] = await h.app.database.db.select().from(analyses).where(eq(analyses.id, row!.id));
    expect(decided).toMatchObject({ approved: true, resultingPlanId: versions[0]!.id });
    expect(decided!.decisionTime).toBeInstanceOf(Date);

    const history = (await h.answerTo(h.owner.send('/plan_history'))).map(textOf).join('\n');
    expect(history).toContain(`Analysis ${row!.id} of ride ${rideId}`);
  });

  it('a double Approve, pressed on the same message twice, makes one version and answers both taps', async () => {
    await savePlan(h, weekPlan());
    const before = (await planRows(h)).length;
    const rideId = await sendRide(h, rideFile(180, 200), 'big.fit'); // 3 h at FTP: far over the planned hour
    const message = await analysisOf(h, rideId);
    const id = Number(buttonsOf(message)[0]!.split(':')[2]);
    expect(textOf(message)).toContain(`Proposed change to plan v${before}`);
    // 3 h at FTP on an hour's endurance, and TSB deep below -30: today's threshold becomes a recovery spin
    expect(textOf(message)).toMatch(/• .*: threshold 60' 60 min → recovery spin 45 min/);

    const first = h.owner.press(message, `an:a:${id}`);
    const second = h.owner.press(message, `an:a:${id}`);
    await h.answerTo(first);
    await h.answerTo(second);
    const answers = h.tg.calls.filter((c) => c.method === 'answerCallbackQuery').slice(-2).map((c) => c.params.text);
    expect(answers).toEqual([`Plan v${before + 1} saved`, `Already approved: plan v${before + 1}`]);
    const rows = await planRows(h);
    expect(rows).toHaveLength(before + 1);
    expect(workoutOn(rows.at(-1)!.plan, today())).toMatchObject({ type: 'recovery', durationMinutes: 45 });
    expect(rows.at(-1)!.parentPlanId).toBe(rows.at(-2)!.id);
    expect(textOf(messageNow(h, message.message_id))).toMatch(new RegExp(`^✅ Approved — plan v${before + 1}\\.`));
    await expectEveryVersionKeepsTheRules(h);
  });

  it('Approve after the plan moved on makes the same change on today’s plan; when it no longer fits, says stale', async () => {
    await savePlan(h, weekPlan());
    const rideId = await sendRide(h, rideFile(170, 200, 9), 'moved.fit');
    const message = await analysisOf(h, rideId);
    const id = Number(buttonsOf(message)[0]!.split(':')[2]);
    // the plan moves on: a new version that keeps today's threshold
    const moved = weekPlan();
    await savePlan(h, { ...moved, overview: 'moved on' });
    const base = (await planRows(h)).length;
    await h.answerTo(h.owner.press(message, `an:a:${id}`));
    const rows = await planRows(h);
    expect(rows).toHaveLength(base + 1);
    expect(rows.at(-1)!.plan.overview).toBe('moved on');
    expect(workoutOn(rows.at(-1)!.plan, today())).toMatchObject({ type: 'recovery' });
    expect(textOf(messageNow(h, message.message_id))).toContain('The plan had moved on since, so I made the same change on today’s plan.');

    // and once more: a plan with nothing on today, so "replace today's workout" cannot apply
    await savePlan(h, weekPlan());
    const rideId2 = await sendRide(h, rideFile(175, 200, 10), 'stale.fit');
    const message2 = await analysisOf(h, rideId2);
    const id2 = Number(buttonsOf(message2)[0]!.split(':')[2]);
    const y = yesterday();
    await savePlan(h, plan([ride(y, 60), ride(addDays(today(), 3), 60)], y, addDays(today(), 13)));
    const versions = (await planRows(h)).length;
    await h.answerTo(h.owner.press(message2, `an:a:${id2}`));
    expect(await planRows(h)).toHaveLength(versions);
    const stale = messageNow(h, message2.message_id);
    expect(textOf(stale)).toMatch(/^⏳ Out of date: the plan moved on to v\d+/);
    expect(buttonsOf(stale)).toEqual([`an:r:${id2}`]);
  });

  it('Reject keeps the plan, asks why, and keeps the reason', async () => {
    await savePlan(h, weekPlan());
    const versions = (await planRows(h)).length;
    const rideId = await sendRide(h, rideFile(185, 200, 11), 'reject.fit');
    const message = await analysisOf(h, rideId);
    const id = Number(buttonsOf(message)[0]!.split(':')[2]);
    const asked = await h.answerTo(h.owner.press(message, `an:x:${id}`));
    expect(asked.map(textOf).join('\n')).toContain('Why not?');
    expect(textOf(messageNow(h, message.message_id))).toMatch(/^✖️ Rejected — the plan stays as it was\./);
    const noted = await h.answerTo(h.owner.send('I race on Sundays, so keep Saturday easy'));
    expect(noted.map(textOf).join('\n')).toContain('Noted');
    const [row] = await h.app.database.db.select().from(analyses).where(eq(analyses.id, id));
    expect(row).toMatchObject({ approved: false, rejectReason: 'I race on Sundays, so keep Saturday easy' });
    expect(await planRows(h)).toHaveLength(versions);
    expect(buttonsOf(messageNow(h, message.message_id))).toEqual([`an:r:${id}`]);
  });

  it('/analyse N and the Re-analyse button make a fresh analysis and keep the old one', async () => {
    const [first] = await h.app.database.db.select().from(analyses).orderBy(asc(analyses.id)).limit(1);
    const mark = lastMessageId(h);
    const reply = await h.answerTo(h.owner.send(`/analyse ${first!.workoutId}`));
    expect(reply.map(textOf).join('\n')).toContain(`Analysing ride ${first!.workoutId}`);
    const fresh = await analysisOf(h, first!.workoutId, mark);
    expect(fresh.message_id).toBeGreaterThan(first!.telegramMessageId!);
    const all = await h.app.database.db.select().from(analyses).where(eq(analyses.workoutId, first!.workoutId));
    expect(all.length).toBe(2);
    expect(all.map((a) => a.status)).toEqual(['sent', 'sent']);

    const mark2 = lastMessageId(h);
    await h.answerTo(h.owner.press(fresh, buttonsOf(fresh).find((b) => b.startsWith('an:r:'))!));
    await analysisOf(h, first!.workoutId, mark2);
    expect((await h.answerTo(h.owner.send('/analyse 999'))).map(textOf).join('\n')).toContain('There is no ride 999');
  });

  it('a run is not analysed, and /analyse says why', async () => {
    const bytes = syntheticRideFit({ start: new Date(`${yesterday()}T12:00:00Z`), seconds: 1800, hrBpm: 150, sport: 'running' });
    const runId = await sendRide(h, bytes, 'run.fit');
    expect(await h.app.database.db.select().from(analyses).where(eq(analyses.workoutId, runId))).toEqual([]);
    const reply = await h.answerTo(h.owner.send(`/analyse ${runId}`));
    expect(reply.map(textOf).join('\n')).toBe(`Activity ${runId} (running) is not a ride: it counts for your training load, but I only analyse rides.`);
  });

  it('an analysis Telegram refuses for good becomes one plain line with Re-analyse, and the queue goes on', async () => {
    let refused = false;
    const restore = h.tg.intercept('sendMessage', (call) => {
      if (!refused && String(call.params.text).startsWith('🚴 <b>Ride ')) {
        refused = true;
        h.tg.fail('sendMessage', { status: 400, description: 'Bad Request: message is too long' });
      }
    });
    const rideId = await sendRide(h, rideFile(64, 150, 12), 'refused.fit');
    const deadline = Date.now() + 30_000;
    let line: Message | undefined;
    while (!line && Date.now() < deadline) {
      line = h.owner.messages().find((m) => textOf(m).startsWith(`Ride ${rideId} is analysed, but Telegram refused`));
      if (!line) await new Promise((r) => setTimeout(r, 100));
    }
    restore();
    expect(textOf(line)).toBe(`Ride ${rideId} is analysed, but Telegram refused to show the analysis (Bad Request: message is too long). 🔄 Re-analyse makes a new one.`);
    const [row] = await h.app.database.db.select().from(analyses).where(eq(analyses.workoutId, rideId));
    expect(buttonsOf(line)).toEqual([`an:r:${row!.id}`]);
    expect(row).toMatchObject({ status: 'sent', telegramMessageId: line!.message_id });
    // the next ride's analysis still comes
    const next = await sendRide(h, rideFile(65, 150, 13), 'after.fit');
    await analysisOf(h, next);
  });

  it('a restart loses no queued ride and sends what was made but not sent', async () => {
    await h.app.database.db.update(analyses).set({ status: 'ready' }).where(eq(analyses.id, 1));
    const mark = lastMessageId(h);
    await h.restart();
    const [row] = await h.app.database.db.select().from(analyses).where(eq(analyses.id, 1));
    const resent = await analysisOf(h, row!.workoutId, mark);
    expect(textOf(resent)).toMatch(/^🚴 Ride/);
    await expect.poll(async () => (await h.app.database.db.select().from(analyses).where(eq(analyses.status, 'queued'))).length).toBe(0);
  });
});

describe('the analysis loop with the AI', () => {
  let h: Harness;
  let ai: FakeAi;
  const MODEL = 'test/analysis-model';
  const FEEDBACK = {
    performance_summary: 'A steady hour, paced evenly.',
    strengths: ['Even pacing.'],
    areas_for_improvement: ['Nothing stands out.'],
    training_suggestions: ['Keep one long ride a week.'],
    next_workout_recommendations: ['Tomorrow: 45 min easy.'],
    performance_score: 7,
  };
  const steps = (minutes: number, pct: number) => [{ duration_s: minutes * 60, low_pct_ftp: pct, high_pct_ftp: pct }];
  const op = (o: Record<string, unknown>) => ({ to_date: null, factor: null, workout: null, reason: 'Because.', ...o });
  const analysisPrompts = () => ai.requests.filter((r: RecordedAiRequest) => String(r.body.messages?.[0]?.content).includes("Analyse the rider's latest ride"));

  beforeAll(async () => {
    ai = await FakeAi.start();
    h = await startHarness({ OPENROUTER_API_KEY: ai.apiKey, AI_BASE_URL: ai.baseUrl, AI_MODEL: MODEL, AI_TIMEOUT_S: '2' });
  });
  afterAll(async () => {
    await h?.close();
    await ai?.stop();
  });

  it('a lying model: its figures are flagged and never shown as the ride’s; the workout it writes gets our IF and TSS', async () => {
    await savePlan(h, weekPlan());
    ai.enqueue({
      kind: 'json',
      value: {
        ...FEEDBACK,
        performance_summary: 'A monster ride: NP 400 W and TSS 612, a new record.',
        normalized_power_w: 400,
        tss: 612,
        change_reason: 'Swap today’s threshold for an easy hour.',
        plan_changes: [op({ op: 'replace', date: today(), workout: { type: 'endurance', description: 'Easy hour', steps: steps(60, 62), planned_tss: 5, planned_if: 0.2 } })],
      },
    });
    const rideId = await sendRide(h, rideFile(60, 150), 'liar.fit');
    const message = await analysisOf(h, rideId);
    const text = textOf(message);
    expect(text).toContain(`by the AI coach (${MODEL})`);
    expect(text).toMatch(/NP 150 W · IF 0\.75 · TSS 56/);
    expect(text).toContain('⚠️ The coach’s words quote NP 400 W, but this ride’s NP is 150 W');
    expect(text).toContain('⚠️ The coach’s words quote TSS 612, but this ride’s TSS is 56');
    expect(text).toContain('Proposed change to plan v1: Swap today’s threshold for an easy hour.');
    expect(text).toMatch(/threshold 60' 60 min → endurance 60 min/);

    // the prompt had our numbers, the planned workout, and the days a change may touch
    const prompt = String(analysisPrompts().at(-1)!.body.messages[0].content);
    expect(prompt).toContain('NP 150 W');
    expect(prompt).toContain('Planned: endurance 60 min (TSS 42). Ridden: 1 h 00 min of 1 h 00 min, TSS 56 of 42, 0 of 60 min in Z2.'); // 150 W is 75 % of FTP: Z3
    expect(prompt).toContain(`Changes may touch days from`);
    expect(analysisPrompts().at(-1)!.body.response_format.json_schema.schema.properties).toHaveProperty('plan_changes');

    const id = Number(buttonsOf(message)[0]!.split(':')[2]);
    await h.answerTo(h.owner.press(message, `an:a:${id}`));
    const saved = workoutOn((await planRows(h)).at(-1)!.plan, today())!;
    expect(saved).toMatchObject({ type: 'endurance', durationMinutes: 60, plannedIf: 0.62, plannedTss: 38.4 });
    const [row] = await h.app.database.db.select().from(analyses).where(eq(analyses.id, id));
    expect(JSON.stringify(row!.feedback)).not.toContain('normalized_power_w');
    expect(row).toMatchObject({ author: 'ai', model: MODEL, approved: true });
  });

  it('a change that breaks a rule is repaired or left out, and said so; no version ever breaks one', async () => {
    await h.app.database.db.insert(rules).values({ version: 1, rules: { rules: [{ kind: 'no_back_to_back_hard_days' }], notes: [] } });
    await savePlan(h, weekPlan());
    ai.enqueue({
      kind: 'json',
      value: { ...FEEDBACK, change_reason: 'More intensity.', plan_changes: [op({ op: 'insert', date: addDays(today(), 1), workout: { type: 'vo2max', description: '5x4', steps: steps(60, 110) } })] },
    });
    const rideId = await sendRide(h, rideFile(61, 150), 'rules.fit');
    const message = await analysisOf(h, rideId);
    const text = textOf(message);
    expect(text).toMatch(/Repaired for your rules: |Left out: It would break your rules/);
    const [row] = await h.app.database.db.select().from(analyses).where(eq(analyses.workoutId, rideId));
    if (row!.draft) {
      expect(checkPlan(row!.draft, await activeRules(h), { eventDate: null, from: today() })).toEqual([]);
      expect(workoutOn(row!.draft, addDays(today(), 1))).toBeUndefined(); // never back to back with today's threshold
      await h.answerTo(h.owner.press(message, buttonsOf(message)[0]!));
    } else {
      expect(buttonsOf(message)).toEqual([`an:r:${row!.id}`]);
    }
    await expectEveryVersionKeepsTheRules(h);
  });

  it('the rider’s reject reason reaches the next analysis', async () => {
    await savePlan(h, weekPlan());
    ai.enqueue({ kind: 'json', value: { ...FEEDBACK, change_reason: 'Rest today.', plan_changes: [op({ op: 'remove', date: today() })] } });
    const rideId = await sendRide(h, rideFile(62, 150), 'reason.fit');
    const message = await analysisOf(h, rideId);
    expect(textOf(message)).toMatch(/threshold 60' 60 min \(now rest\)/);
    await h.answerTo(h.owner.press(message, buttonsOf(message)[1]!));
    await h.answerTo(h.owner.send('Thursdays are my only long day'));
    ai.enqueue({ kind: 'json', value: { ...FEEDBACK, change_reason: '', plan_changes: [] } });
    const mark = lastMessageId(h);
    await h.answerTo(h.owner.send(`/analyse ${rideId}`));
    const again = await analysisOf(h, rideId, mark);
    expect(buttonsOf(again)).toEqual([expect.stringMatching(/^an:r:/)]); // no change proposed: no Approve / Reject
    expect(String(analysisPrompts().at(-1)!.body.messages[0].content)).toContain('Reason: "Thursdays are my only long day"');
  });

  it('a failing endpoint: the built-in coach writes the analysis and says why', async () => {
    ai.setDefault({ kind: 'status', status: 500 });
    const rideId = await sendRide(h, rideFile(63, 150), 'failing.fit');
    const text = textOf(await analysisOf(h, rideId));
    expect(text).toContain('by the built-in coach');
    expect(text).toContain('The AI service had an error on its side. This is the built-in coach’s analysis');
    ai.reset();
  });
});
