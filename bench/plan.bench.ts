/**
 * What plans cost us: the built-in generator, the checker and the repair on a
 * 52-week plan to an event (pure, in one process), then /plan_new, Approve and
 * /plan through the Telegram double on embedded PGlite (the proposal, the
 * transaction that saves the version, the week's chart), timed to the reply.
 */
import { goal, rules } from '../src/db/schema.ts';
import { addDays, WEEKDAYS } from '../src/domain/calendar.ts';
import { checkPlan } from '../src/domain/plan/checker.ts';
import { generatePlan } from '../src/domain/plan/generator.ts';
import { repairPlan } from '../src/domain/plan/repair.ts';
import { startHarness } from '../test/support/app.ts';
import { printSteps, RUNS, timed } from './measure.ts';
import { SIX_RULES, TODAY, YEAR_PLAN_INPUT } from './year-plan.ts';

const ruleSet = SIX_RULES;
const input = YEAR_PLAN_INPUT;
const event = input.event!;
const plan = generatePlan(input);
const workouts = plan.weeks.reduce((s, w) => s + w.workouts.length, 0);
const options = { eventDate: event.date, from: TODAY };
// a plan with a workout on every Monday: 52 repairs to make
const broken = { ...plan, weeks: plan.weeks.map((w) => ({ ...w, workouts: w.workouts.map((x) => (x.date === addDays(w.weekStart, 1) ? { ...x, date: w.weekStart } : x)) })) };

const rows: [string, number[]][] = [
  [`generate a ${plan.weeks.length}-week plan to an event (${workouts} workouts, 6 rules)`, timed(() => generatePlan(input))],
  ['check it against the rules', timed(() => checkPlan(plan, ruleSet, options))],
  [`repair it with a workout moved onto each of its ${plan.weeks.length} rest days`, timed(() => repairPlan(broken, ruleSet, options))],
];
if (checkPlan(plan, ruleSet, options).length > 0) throw new Error('the generated plan breaks its rules');

const h = await startHarness({ LOG_LEVEL: 'warn' });
try {
  await h.app.database.db.insert(goal).values({ id: 1, eventName: 'Half-year goal', eventDate: addDays(new Date().toISOString().slice(0, 10), 180), hoursPerWeek: 10, days: [...WEEKDAYS] });
  await h.app.database.db.insert(rules).values({ version: 1, rules: ruleSet, sourceText: 'bench' });
  const newPlan: number[] = [];
  const approve: number[] = [];
  const show: number[] = [];
  for (let run = 0; run <= Math.min(RUNS, 10); run++) {
    let started = performance.now();
    h.owner.send('/plan_new');
    const offer = await h.owner.nextReply({ timeoutMs: 30_000 });
    const t1 = performance.now() - started;
    const data = offer.reply_markup!.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : '')).find((d) => d.startsWith('pl:a:'))!;
    started = performance.now();
    h.owner.press(offer, data);
    await h.owner.nextReply({ timeoutMs: 30_000 }); // the edited proposal
    await h.owner.nextReply({ timeoutMs: 30_000 }); // the week with its chart
    const t2 = performance.now() - started;
    started = performance.now();
    h.owner.send('/plan');
    await h.owner.nextReply({ timeoutMs: 30_000 });
    const t3 = performance.now() - started;
    if (run > 0) {
      newPlan.push(t1);
      approve.push(t2);
      show.push(t3);
    }
  }
  rows.push(['/plan_new (26 weeks, built-in) -> proposal with Approve / Reject in the chat', newPlan]);
  rows.push(['Approve -> version saved, message edited, week photo received', approve]);
  rows.push(['/plan -> the week with its chart', show]);
} finally {
  await h.close();
}

printSteps(rows);
