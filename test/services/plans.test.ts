import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { goal, plans, proposals, rules } from '../../src/db/schema.ts';
import { addDays, mondayOf } from '../../src/domain/calendar.ts';
import { completePlan, type Plan } from '../../src/domain/plan/plan.ts';
import { createLogger } from '../../src/logger.ts';
import { AiService } from '../../src/services/ai.ts';
import { GoalService } from '../../src/services/goal.ts';
import { PlanBook, withAvailability } from '../../src/services/plans.ts';
import { PromptLibrary } from '../../src/services/prompts.ts';
import { Proposals } from '../../src/services/proposals.ts';
import { RuleBook } from '../../src/services/rules.ts';
import { openTestDatabase } from '../support/database.ts';
import { LogCapture } from '../support/logs.ts';

let database: Database;
let close: () => Promise<void>;
let book: PlanBook;
let ruleBook: RuleBook;

const TODAY = '2026-12-02'; // a Wednesday
const MONDAY = mondayOf(TODAY);

/** One week from Thursday: endurance Thu and Sat, threshold Sun. */
function weekPlan(overrides: { saturdayMinutes?: number } = {}): Plan {
  const ride = (date: string, minutes: number, pct: number) => ({
    date, type: pct >= 90 ? ('threshold' as const) : ('endurance' as const), description: 'ride', steps: [{ durationS: minutes * 60, targetPctFtp: pct }],
  });
  return completePlan({
    overview: 'A week.',
    goal: null,
    startDate: addDays(TODAY, 1),
    endDate: addDays(MONDAY, 6),
    weeks: [{ weekStart: MONDAY, focus: 'Base', workouts: [ride(addDays(MONDAY, 3), 60, 65), ride(addDays(MONDAY, 5), overrides.saturdayMinutes ?? 90, 65), ride(addDays(MONDAY, 6), 60, 95)] }],
  });
}

beforeAll(async () => {
  ({ database, close } = await openTestDatabase());
  const db = database.db;
  const logger = createLogger({ level: 'silent', pretty: false, secrets: [], destination: new LogCapture() });
  const ai = new AiService({ db, prompts: new PromptLibrary(db), client: undefined, defaultModel: 'none', timeoutMs: 1000, logger });
  const all = new Proposals(db);
  ruleBook = new RuleBook({ db, ai, proposals: all });
  book = new PlanBook({ db, rules: ruleBook, goals: new GoalService(db), proposals: all });
});
afterAll(async () => close?.());
beforeEach(async () => {
  const db = database.db;
  await db.delete(proposals);
  await db.delete(plans);
  await db.delete(rules);
  await db.delete(goal);
});

async function versions(): Promise<number[]> {
  return (await database.db.select().from(plans).orderBy(asc(plans.version))).map((r) => r.version);
}

describe('PlanBook', () => {
  it('ten approvals of one proposal at once make exactly one version', async () => {
    const proposal = await book.propose(weekPlan(), 'first', []);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => book.approve(proposal.id, TODAY)));
    expect(outcomes.filter((o) => o.kind === 'saved')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'decided').every((o) => o.kind === 'decided' && o.version === 1)).toBe(true);
    expect(await versions()).toEqual([1]);
  });

  it('two proposals made on the same plan: the second approved is stale, never version 3 on a moved plan', async () => {
    const a = await book.propose(weekPlan(), 'a', []);
    const b = await book.propose(weekPlan({ saturdayMinutes: 120 }), 'b', []);
    const [first, second] = await Promise.all([book.approve(a.id, TODAY), book.approve(b.id, TODAY)]);
    expect([first.kind, second.kind].sort()).toEqual(['saved', 'stale']);
    expect(await versions()).toEqual([1]);
  });

  it('refuses at approval a plan the rules changed under, and saves nothing', async () => {
    const proposal = await book.propose(weekPlan(), 'before the rule', []);
    const rulesProposal = await ruleBook.propose({ rules: [{ kind: 'rest_day', day: 'sunday' }], notes: [] }, 'Sundays off', 'test');
    expect((await ruleBook.save(rulesProposal.id)).kind).toBe('saved');
    const outcome = await book.approve(proposal.id, TODAY);
    expect(outcome.kind).toBe('refused');
    expect(outcome.kind === 'refused' && outcome.violations.map((v) => v.kind)).toEqual(['rest_day']);
    expect(await versions()).toEqual([]);
  });

  it('the rider’s availability is enforced like a rule: a day they cannot ride, their hours a week', async () => {
    await new GoalService(database.db).save({ event: null, hoursPerWeek: 3, days: ['thursday', 'saturday', 'sunday'], ftpW: null });
    const admitted = await book.admit(weekPlan({ saturdayMinutes: 120 }), TODAY);
    expect(admitted.violations).toEqual([]);
    expect(admitted.repairs).toEqual(['Shortened Sat 5 Dec endurance from 120 to 60 min (your limit of 3 hours a week).']);
    expect(withAvailability({ rules: [{ kind: 'max_weekly_hours', hours: 2 }], notes: [] }, { days: ['monday'], hoursPerWeek: 5 }).rules).toEqual([
      { kind: 'rest_day', day: 'tuesday' }, { kind: 'rest_day', day: 'wednesday' }, { kind: 'rest_day', day: 'thursday' },
      { kind: 'rest_day', day: 'friday' }, { kind: 'rest_day', day: 'saturday' }, { kind: 'rest_day', day: 'sunday' },
      { kind: 'max_weekly_hours', hours: 2 },
    ]);
  });

  it('rollback is a new version with its parent; a version that breaks today’s rules comes back repaired for approval', async () => {
    const p1 = await book.propose(weekPlan(), 'one', []);
    await book.approve(p1.id, TODAY);
    const p2 = await book.propose(weekPlan({ saturdayMinutes: 150 }), 'two', []);
    await book.approve(p2.id, TODAY);
    const back = await book.restore(1, TODAY);
    expect(back.kind).toBe('saved');
    const rows = await database.db.select().from(plans).orderBy(asc(plans.version));
    expect(rows.map((r) => [r.version, r.reason])).toEqual([[1, 'one'], [2, 'two'], [3, 'Rolled back to v1']]);
    expect(rows[2]!.parentPlanId).toBe(rows[1]!.id);
    expect(rows[2]!.plan).toEqual(rows[0]!.plan);

    const rulesProposal = await ruleBook.propose({ rules: [{ kind: 'max_minutes_on_day', day: 'saturday', minutes: 60 }], notes: [] }, 'short Saturdays', 'test');
    await ruleBook.save(rulesProposal.id);
    const repaired = await book.restore(2, TODAY);
    expect(repaired.kind).toBe('proposed');
    expect(await versions()).toEqual([1, 2, 3]);
    expect(await book.restore(99, TODAY)).toEqual({ kind: 'unknown' });
  });
});
