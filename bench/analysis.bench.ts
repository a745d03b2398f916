/**
 * What the analysis loop costs us: applying a change (operations) to a 52-week
 * plan under six rules (pure, in one process), then, through the Telegram
 * double on embedded PGlite with the built-in coach, a 3-hour ride file in to
 * its analysis message (the ride's own reply, the queue, the analysis, the
 * draft and its diff), and Approve to the edited message and the week's chart.
 */
import { plans } from '../src/db/schema.ts';
import { addDays, WEEKDAYS } from '../src/domain/calendar.ts';
import { localDay } from '../src/domain/load.ts';
import { generatePlan } from '../src/domain/plan/generator.ts';
import { adaptPlan, applyOperations, type PlanOperation } from '../src/domain/plan/operations.ts';
import { allWorkouts, workoutOn } from '../src/domain/plan/plan.ts';
import { startHarness } from '../test/support/app.ts';
import { syntheticRideFit } from '../test/support/fit-writer.ts';
import { printSteps, RUNS, timed } from './measure.ts';
import { SIX_RULES, TODAY, YEAR_PLAN_INPUT } from './year-plan.ts';

const ruleSet = SIX_RULES;
const year = generatePlan(YEAR_PLAN_INPUT);
const [first, second] = allWorkouts(year).filter((w) => w.date > TODAY);
const ops: PlanOperation[] = [
  { op: 'replace', date: first!.date, workout: { type: 'recovery', description: 'easy', steps: [{ durationS: 2700, targetPctFtp: [50, 55] }] }, reason: 'absorb' },
  { op: 'remove', date: second!.date, reason: 'rest' },
  { op: 'scale_week', weekStart: year.weeks[2]!.weekStart, factor: 0.8, reason: 'lighter' },
];
const rows: [string, number[]][] = [
  [`apply 3 operations to a ${year.weeks.length}-week plan under 6 rules (repair, check)`, timed(() => adaptPlan(year, ops, ruleSet, { from: TODAY, eventDate: year.goal?.date ?? null }))],
];

const h = await startHarness({ LOG_LEVEL: 'warn' });
try {
  const today = localDay(Date.now(), 'Europe/Ljubljana');
  const yesterday = addDays(today, -1);
  const textOf = (m: { text?: string; caption?: string }) => m.text ?? m.caption ?? '';
  const analysis: number[] = [];
  const approve: number[] = [];
  for (let run = 0; run <= Math.min(RUNS, 10); run++) {
    // each run: a new plan version with an hour at FTP today, and a 3-hour ride yesterday far over its planned hour
    const [parent] = (await h.app.database.db.select().from(plans)).sort((a, b) => b.version - a.version);
    const base = generatePlan({ today: yesterday, event: null, eventDurationMinutes: null, ctl: 30, hoursPerWeek: 8, days: [...WEEKDAYS], rules: { rules: [], notes: [] }, keyClimbMinutes: null });
    const threshold = { type: 'threshold' as const, description: '60 min at FTP', steps: [{ durationS: 3600, targetPctFtp: 100 }] };
    const { plan } = applyOperations(base, [{ op: workoutOn(base, today) ? 'replace' : 'insert', date: today, workout: threshold, reason: 'bench' }], { from: yesterday });
    await h.app.database.db.insert(plans).values({ version: (parent?.version ?? 0) + 1, parentPlanId: parent?.id ?? null, plan, reason: 'bench' });
    const bytes = syntheticRideFit({ start: new Date(`${yesterday}T06:${String(run).padStart(2, '0')}:00Z`), seconds: 3 * 3600, powerW: 200 + run, hrBpm: 140 });
    const mark = h.owner.messages().at(-1)?.message_id ?? 0;
    let started = performance.now();
    h.owner.sendDocument({ fileName: `bench-${run}.fit`, bytes });
    let message;
    for (;;) {
      message = h.owner.messages().find((m) => m.message_id > mark && textOf(m).startsWith('🚴 Ride '));
      if (message) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const t1 = performance.now() - started;
    const data = message.reply_markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : '')).find((d) => d.startsWith('an:a:'));
    if (!data) throw new Error(`no change proposed:\n${textOf(message)}`);
    const before = h.owner.messages().at(-1)!.message_id;
    started = performance.now();
    h.owner.press(message, data);
    for (;;) {
      if (h.owner.messages().some((m) => m.message_id > before && m.photo)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const t2 = performance.now() - started;
    if (run > 0) {
      analysis.push(t1);
      approve.push(t2);
    }
  }
  rows.push(['3-hour ride file in -> its analysis message with the change (built-in coach)', analysis]);
  rows.push(['Approve -> version saved, message edited, week chart received', approve]);
} finally {
  await h.close();
}

printSteps(rows);
