import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { analyses, goal, plans, proposals, rules, workouts } from '../../src/db/schema.ts';
import type { RideFeedback } from '../../src/domain/coach/feedback.ts';
import type { PlanOperation } from '../../src/domain/plan/operations.ts';
import { workoutOn, type Plan } from '../../src/domain/plan/plan.ts';
import { createLogger } from '../../src/logger.ts';
import { AiService } from '../../src/services/ai.ts';
import { Analyses, type AnalysisResult, type AnalysisRow } from '../../src/services/analyses.ts';
import { AnalysisWorker, MAX_ATTEMPTS } from '../../src/services/analysis-worker.ts';
import type { Analyst } from '../../src/services/analyst.ts';
import { GoalService } from '../../src/services/goal.ts';
import { PlanBook } from '../../src/services/plans.ts';
import { PromptLibrary } from '../../src/services/prompts.ts';
import { Proposals } from '../../src/services/proposals.ts';
import { RuleBook } from '../../src/services/rules.ts';
import { openTestDatabase } from '../support/database.ts';
import { LogCapture } from '../support/logs.ts';
import { hard, plan, ride } from '../support/plans.ts';

// Week of Mon 30 Nov 2026; "today" is Wednesday 2 Dec.
const TODAY = '2026-12-02';
const FEEDBACK: RideFeedback = {
  performance_summary: 'Fine.',
  strengths: [],
  areas_for_improvement: [],
  training_suggestions: [],
  next_workout_recommendations: [],
  performance_score: 6,
};
const EASY = { op: 'replace', date: TODAY, workout: { type: 'endurance', description: 'easy', steps: [{ durationS: 3600, targetPctFtp: 62 }] }, reason: 'Absorb.' } satisfies PlanOperation;

let database: Database;
let close: () => Promise<void>;
let book: PlanBook;
let book2: Analyses;
let workoutId: number;
const logs = new LogCapture();
const logger = createLogger({ level: 'silent', pretty: false, secrets: [], destination: logs });

const base = (): Plan => plan([ride('2026-12-01', 60), hard(TODAY, 60), ride('2026-12-04', 90)], '2026-11-30', '2026-12-13');

async function saveVersion(p: Plan): Promise<number> {
  return book.withHistory(async (_tx, _current, save) => (await save(p, 'test')).id);
}

/** A ready analysis proposing EASY on the current plan, as the worker would store it. */
async function proposed(): Promise<AnalysisRow> {
  const current = (await book.current())!;
  const draft = plan([ride('2026-12-01', 60), { ...EASY.workout, date: TODAY }, ride('2026-12-04', 90)], '2026-11-30', '2026-12-13');
  const row = await book2.queue(workoutId);
  const result: AnalysisResult = {
    feedback: FEEDBACK,
    author: 'built-in',
    notes: [],
    facts: { rideDay: '2026-12-01', comparison: null, formBefore: null, formAfter: null, planVersion: current.version },
    proposal: { draft, operations: [EASY], basePlanId: current.id, reason: 'Absorb.', changes: ['Wed 2 Dec: threshold → endurance'] },
    model: null,
    promptId: null,
  };
  return book2.complete(row.id, result);
}

beforeAll(async () => {
  ({ database, close } = await openTestDatabase());
  const db = database.db;
  const ai = new AiService({ db, prompts: new PromptLibrary(db), client: undefined, defaultModel: 'none', timeoutMs: 1000, logger });
  const all = new Proposals(db);
  book = new PlanBook({ db, rules: new RuleBook({ db, ai, proposals: all }), goals: new GoalService(db), proposals: all });
  book2 = new Analyses({ db, plans: book });
});
afterAll(async () => close?.());
beforeEach(async () => {
  const db = database.db;
  await db.delete(analyses);
  await db.delete(workouts);
  await db.delete(proposals);
  await db.delete(plans);
  await db.delete(rules);
  await db.delete(goal);
  [{ id: workoutId }] = (await db
    .insert(workouts)
    .values({ source: 'upload', sourceActivityId: `w-${Date.now()}`, type: 'cycling', startTime: new Date('2026-12-01T08:00:00Z') })
    .returning({ id: workouts.id })) as [{ id: number }];
  await saveVersion(base());
});

const versions = async () => (await database.db.select().from(plans).orderBy(asc(plans.version))).map((r) => r.version);

describe('Approve and Reject, at once and again', () => {
  it('five Approves at once make one version; the others are told it is decided', async () => {
    const row = await proposed();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => book2.approve(row.id, TODAY)));
    expect(outcomes.filter((o) => o.kind === 'saved')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'decided')).toEqual(Array(4).fill({ kind: 'decided', approved: true, version: 2 }));
    expect(await versions()).toEqual([1, 2]);
    const [decided] = await database.db.select().from(analyses).where(eq(analyses.id, row.id));
    expect(decided).toMatchObject({ approved: true });
    expect(workoutOn((await book.current())!.plan, TODAY)).toMatchObject({ type: 'endurance', plannedTss: 38.4 });
    expect((await book.current())!.reason).toBe(`Analysis ${row.id} of ride ${workoutId}: Absorb.`);
  });

  it('Approve and Reject at once: exactly one decision, and a version only if it was Approve', async () => {
    const row = await proposed();
    const [approve, reject] = await Promise.all([book2.approve(row.id, TODAY), book2.reject(row.id)]);
    const [decided] = await database.db.select().from(analyses).where(eq(analyses.id, row.id));
    if (approve.kind === 'saved') {
      expect(reject).toEqual({ kind: 'decided', approved: true });
      expect(await versions()).toEqual([1, 2]);
      expect(decided!.approved).toBe(true);
    } else {
      expect(approve).toEqual({ kind: 'decided', approved: false, version: null });
      expect(await versions()).toEqual([1]);
      expect(decided!.approved).toBe(false);
    }
  });

  it('a reason is kept only for a rejected change', async () => {
    const row = await proposed();
    expect(await book2.setRejectReason(row.id, 'not now')).toBe(false);
    await book2.reject(row.id);
    expect(await book2.setRejectReason(row.id, '  I ride long on Wednesdays  ')).toBe(true);
    expect((await book2.recentRejections(5)).map((r) => r.rejectReason)).toEqual(['I ride long on Wednesdays']);
  });

  it('tapped after its day has passed: the change is stale, nothing saved', async () => {
    const row = await proposed();
    expect(await book2.approve(row.id, '2026-12-03')).toEqual({ kind: 'stale', currentVersion: 1 });
    expect(await versions()).toEqual([1]);
  });

  it('the plan moved on: the operations again on the new plan; gone from under them: stale', async () => {
    const row = await proposed();
    await saveVersion({ ...base(), overview: 'moved' });
    const outcome = await book2.approve(row.id, TODAY);
    expect(outcome).toMatchObject({ kind: 'saved', version: 3, reapplied: true });
    expect((await book.current())!.plan.overview).toBe('moved');

    const again = await proposed();
    await saveVersion(plan([ride('2026-12-01', 60)], '2026-11-30', '2026-12-13')); // nothing left on TODAY to replace
    expect(await book2.approve(again.id, TODAY)).toEqual({ kind: 'stale', currentVersion: 4 });
  });
});

describe('the worker', () => {
  function worker(analyse: Analyst['analyse'], delivered: AnalysisRow[]) {
    return new AnalysisWorker({
      analyses: book2,
      analyst: { analyse } as Analyst,
      deliver: async (row) => {
        delivered.push(row);
        return 1000 + row.id;
      },
      logger,
      backoffMs: 0,
    });
  }
  const result = (note?: string): AnalysisResult => ({
    feedback: FEEDBACK, author: 'built-in', notes: note ? [note] : [], model: null, promptId: null, proposal: null,
    facts: { rideDay: null, comparison: null, formBefore: null, formAfter: null, planVersion: null },
  });

  it('an analysis that keeps failing ends with the built-in coach’s, with a note; never a gap', async () => {
    const calls: { builtInOnly?: boolean; note?: string }[] = [];
    const delivered: AnalysisRow[] = [];
    const w = worker(async (_row, options = {}) => {
      calls.push(options);
      if (!options.builtInOnly) throw new Error('model exploded');
      return result(options.note);
    }, delivered);
    await book2.queue(workoutId);
    w.start();
    await expect.poll(() => delivered.length, { timeout: 10_000 }).toBe(1);
    await w.stop();
    expect(calls.map((c) => c.builtInOnly ?? false)).toEqual([...Array(MAX_ATTEMPTS).fill(false), true]);
    expect(calls.at(-1)!.note).toBe(`The analysis failed ${MAX_ATTEMPTS} times (model exploded), so the built-in coach wrote this one.`);
    const [row] = await database.db.select().from(analyses);
    expect(row).toMatchObject({ status: 'sent', attempts: MAX_ATTEMPTS + 1, telegramMessageId: 1000 + row!.id, notes: [calls.at(-1)!.note] });
  });

  it('when even the built-in coach fails, the rider still gets a message saying so', async () => {
    const delivered: AnalysisRow[] = [];
    const w = worker(async () => {
      throw new Error('ride is gone');
    }, delivered);
    await book2.queue(workoutId);
    w.start();
    await expect.poll(() => delivered.length, { timeout: 10_000 }).toBe(1);
    await w.stop();
    expect(delivered[0]).toMatchObject({ status: 'ready', feedback: null, lastError: 'ride is gone' });
  });

  it('one ride at a time, oldest first, each analysed once', async () => {
    const seen: number[] = [];
    const delivered: AnalysisRow[] = [];
    const w = worker(async (row) => {
      seen.push(row.id);
      return result();
    }, delivered);
    const ids = [(await book2.queue(workoutId)).id, (await book2.queue(workoutId)).id, (await book2.queue(workoutId)).id];
    w.start();
    await expect.poll(() => delivered.length, { timeout: 10_000 }).toBe(3);
    await w.stop();
    expect(seen).toEqual(ids);
    expect(delivered.map((r) => r.id)).toEqual(ids);
  });
});
