import { z } from 'zod';
import { addDays, daysBetween } from '../domain/calendar.ts';
import type { CoachSnapshot, Form, RideDigest, RideReviewInput } from '../domain/coach/context.ts';
import { rideFeedbackSchema, type RideFeedback } from '../domain/coach/feedback.ts';
import { builtInChange } from '../domain/coach/plan-adaptation.ts';
import { planText, rideLine, rulesText, snapshotValues } from '../domain/coach/prompt-context.ts';
import { quotedNumberMismatches } from '../domain/coach/quoted-numbers.ts';
import { classifyRide, reviewRide } from '../domain/coach/ride-review.ts';
import { compareRideToPlan, comparisonText } from '../domain/coach/ride-vs-plan.ts';
import { dateWords, minutes, oneDecimal } from '../domain/coach/words.ts';
import { InvalidInput } from '../domain/errors.ts';
import { localDay } from '../domain/load.ts';
import { changedDays, diffPlans } from '../domain/plan/diff.ts';
import { adaptPlan, modelOperationSchema, readModelOperation, type PlanOperation } from '../domain/plan/operations.ts';
import { workoutOn } from '../domain/plan/plan.ts';
import type { RuleSet } from '../domain/plan/rules.ts';
import { COGGAN_ZONES } from '../domain/power.ts';
import type { AiService } from './ai.ts';
import type { AnalysisFacts, AnalysisResult, AnalysisRow, Analyses } from './analyses.ts';
import type { CoachService } from './coach.ts';
import type { GoalService } from './goal.ts';
import { goalText, type Planner } from './planner.ts';
import type { PlanBook, PlanRow } from './plans.ts';
import type { RideService, StoredRide } from './rides.ts';
import type { RouteLibrary } from './routes.ts';

/** A ride older than this (days before today) is analysed, but changes no plan: the days it could change are gone. */
export const CHANGE_WINDOW_DAYS = 2;
const REJECTIONS_SHOWN = 5;
const MAX_OPERATIONS = 6;
const ANALYSIS_MAX_TOKENS = 4000;

/**
 * What the workout_analysis model answers: the seed's fields, and a change to
 * the plan as operations. No field for the ride's numbers: those are ours.
 */
const aiAnalysisSchema = rideFeedbackSchema.extend({
  change_reason: z.string().max(300).describe('One sentence: why the plan should change; empty when it should not.'),
  plan_changes: z.array(modelOperationSchema).max(MAX_OPERATIONS).describe('Operations on the plan, in order; empty when it should not change.'),
});
type AiAnalysis = z.infer<typeof aiAnalysisSchema>;

interface Context {
  ride: StoredRide;
  digest: RideDigest;
  review: RideReviewInput;
  snapshot: CoachSnapshot;
  today: string;
  rideDay: string | null;
  /** The first day a change may touch; null when this ride changes no plan. */
  from: string | null;
  current: PlanRow | undefined;
  rules: RuleSet;
  facts: AnalysisFacts;
}

/**
 * Makes one analysis: our numbers for the ride and how it went against the
 * plan, the AI's words (or the built-in coach's), and the change they propose,
 * applied by code to a draft of the current plan and kept only where it keeps
 * the rider's rules. With no plan yet, the proposal is a first plan.
 */
export class Analyst {
  constructor(
    private readonly deps: {
      ai: AiService;
      coach: CoachService;
      rides: RideService;
      plans: PlanBook;
      goals: GoalService;
      planner: Planner;
      routes: RouteLibrary;
      analyses: Analyses;
    },
  ) {}

  /** `builtInOnly`: after repeated failures, the built-in coach writes it, and `note` says why. */
  async analyse(row: AnalysisRow, options: { builtInOnly?: boolean; note?: string } = {}): Promise<AnalysisResult> {
    const context = await this.context(row.workoutId);
    const notes: string[] = options.note ? [options.note] : [];
    const words = options.builtInOnly || !this.deps.ai.configured ? undefined : await this.askAi(context, notes);
    const feedback: RideFeedback = words?.feedback ?? withoutKind(reviewRide(context.review));
    if (words) notes.push(...quotedNumberMismatches(narrative(words.feedback), context.ride.metrics, context.facts.comparison ? [context.facts.comparison.planned.tss] : []));
    const change = words ? words.change : this.builtInOperations(context);
    const proposal = await this.proposal(context, change, notes);
    return {
      feedback,
      author: words ? 'ai' : 'built-in',
      notes,
      facts: context.facts,
      proposal,
      model: words?.model ?? null,
      promptId: words?.promptId ?? null,
    };
  }

  private async context(workoutId: number): Promise<Context> {
    const { rides, coach, plans } = this.deps;
    const ride = await rides.get(workoutId);
    if (!ride) throw new Error(`ride ${workoutId} is gone`);
    const [snapshot, { digest, review }, current, rules] = await Promise.all([coach.snapshot(), coach.rideContext(ride.workout), plans.current(), plans.constraints()]);
    const today = snapshot.today;
    const rideDay = ride.metrics.clockUnset ? null : localDay(ride.workout.startTime.getTime(), snapshot.timeZone);
    const recent = rideDay !== null && daysBetween(rideDay, today) <= CHANGE_WINDOW_DAYS;
    const from = recent ? [today, addDays(rideDay, 1)].sort()[1]! : null;
    const planned = current && rideDay ? workoutOn(current.plan, rideDay) : undefined;
    const facts: AnalysisFacts = {
      rideDay,
      comparison: planned ? compareRideToPlan(ride.metrics, planned) : null,
      formBefore: review.formBefore,
      formAfter: review.formAfter,
      planVersion: current?.version ?? null,
    };
    return { ride, digest, review, snapshot, today, rideDay, from, current, rules, facts };
  }

  /** The AI's words and change; undefined when it failed (the reason is added to `notes`). */
  private async askAi(context: Context, notes: string[]): Promise<{ feedback: RideFeedback; change: Change | null; model: string; promptId: number } | undefined> {
    const run = await this.deps.ai.run({
      action: 'workout_analysis',
      values: await this.promptValues(context),
      schema: { name: 'ride_analysis', zod: aiAnalysisSchema },
      maxTokens: ANALYSIS_MAX_TOKENS,
      fallback: 'built-in',
    });
    if (!run.ok) {
      notes.push(`${run.notice ?? 'The AI did not answer.'} This is the built-in coach’s analysis; 🔄 Re-analyse asks the AI again.`);
      return undefined;
    }
    const { change_reason: reason, plan_changes: raw, ...feedback } = run.value;
    const operations: PlanOperation[] = [];
    for (const op of context.from ? raw : []) {
      const read = readModelOperation(op);
      if (read.ok) operations.push(read.op);
      else notes.push(`Left out a change the AI proposed: ${read.why}`);
    }
    if (!context.from && raw.length > 0) notes.push('The AI proposed plan changes for a ride too old to change the plan by; I left them out.');
    return { feedback, change: operations.length ? { operations, reason: reason.trim() || 'After this ride.' } : null, model: run.model, promptId: run.promptId };
  }

  private builtInOperations(context: Context): Change | null {
    const { current, from, rideDay, ride, facts } = context;
    if (!current || !from || !rideDay) return null;
    const change = builtInChange({
      plan: current.plan,
      rideDay,
      from,
      metrics: ride.metrics,
      planned: workoutOn(current.plan, rideDay),
      comparison: facts.comparison,
      kind: classifyRide(ride.metrics, ride.metrics.ftpW),
      formAfter: facts.formAfter,
    });
    return change ? { operations: change.operations, reason: change.why } : null;
  }

  /** The change applied to a draft under the rules, or a first plan when there is none. */
  private async proposal(context: Context, change: Change | null, notes: string[]): Promise<AnalysisResult['proposal']> {
    const { current, from, today, rules } = context;
    if (!current) return from ? this.firstPlan(notes) : null;
    if (!change || !from) return null;
    const adapted = adaptPlan(current.plan, change.operations, rules, { from, eventDate: current.plan.goal?.date ?? null });
    notes.push(...adapted.dropped.map((d) => `Left out: ${d.why}`), ...adapted.repairs.map((r) => `Repaired for your rules: ${r}`));
    if (adapted.violations.length > 0) {
      notes.push(`Your plan v${current.version} breaks your rules as they are now (${adapted.violations[0]!.message}), so I propose no change to it; /plan_new builds one that keeps them.`);
      return null;
    }
    if (adapted.applied.length === 0 || changedDays(current.plan, adapted.plan).length === 0) return null;
    const draft = { ...adapted.plan, ...(current.plan.basis ? { basis: current.plan.basis } : {}) };
    return { draft, operations: adapted.applied, basePlanId: current.id, reason: change.reason, changes: diffPlans(current.plan, draft, today) };
  }

  private async firstPlan(notes: string[]): Promise<AnalysisResult['proposal']> {
    const { planner, goals } = this.deps;
    try {
      const draft = await planner.draft((await goals.get()) ?? (await planner.defaultGoal()));
      if (draft.notice) notes.push(draft.notice);
      notes.push(...draft.repairs.map((r) => `Repaired for your rules: ${r}`));
      return { draft: draft.plan, operations: null, basePlanId: null, reason: draft.reason, changes: [] };
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      notes.push(error.message);
      return null;
    }
  }

  private async promptValues(context: Context) {
    const { snapshot, ride, digest, today, rideDay, from, current, rules, facts } = context;
    const { goals, routes, analyses } = this.deps;
    const goal = await goals.get();
    const route = goal?.event?.routeId ? await routes.predict(goal.event.routeId) : undefined;
    const base = snapshotValues(snapshot);
    return {
      ...base,
      fitness: [base.fitness, formAround(facts.formBefore, facts.formAfter)].filter(Boolean).join('\n'),
      ride: [rideLine(digest, today).replace(/^- /, ''), zoneLine(ride)].filter(Boolean).join('\n'),
      planned_workout: !current
        ? 'No training plan yet.'
        : facts.comparison
          ? comparisonText(facts.comparison)
          : `Nothing was planned${rideDay ? ` on ${dateWords(rideDay, today)}` : ''}: a rest day in plan v${current.version}.`,
      current_plan: !current
        ? 'No training plan yet: propose no plan changes (a first plan is built separately).'
        : from
          ? `${planText(current, today)}\nChanges may touch days from ${dateWords(from, today)} (${from}) to ${current.plan.endDate}; earlier days are history.`
          : `${planText(current, today)}\nThis ride is too old to change the plan by: propose no plan changes.`,
      goal: goal ? goalText(goal, today, route) : 'No goal set: general fitness.',
      rules: rulesText(rules),
      reject_reasons: rejectionLines(await analyses.recentRejections(REJECTIONS_SHOWN), today),
    };
  }
}

interface Change {
  operations: PlanOperation[];
  reason: string;
}

function withoutKind({ kind: _kind, ...feedback }: RideFeedback & { kind: unknown }): RideFeedback {
  return feedback;
}

function narrative(f: RideFeedback): string {
  return [f.performance_summary, ...f.strengths, ...f.areas_for_improvement, ...f.training_suggestions, ...f.next_workout_recommendations].join('\n');
}

function formAround(before: Form | null, after: Form | null): string {
  if (!before || !after) return '';
  return `Around this ride: the morning before, CTL ${oneDecimal(before.ctl)}, ATL ${oneDecimal(before.atl)}, TSB ${oneDecimal(before.tsb)}; at the end of its day CTL ${oneDecimal(after.ctl)}, ATL ${oneDecimal(after.atl)}, TSB ${oneDecimal(after.tsb)}.`;
}

/** "Time in power zones: Z1 12 min, Z2 48 min, …" from our zone times. */
function zoneLine(ride: StoredRide): string {
  const zones = ride.metrics.powerZones;
  if (!zones?.length) return '';
  return `Time in power zones: ${zones.map((z, i) => `Z${i + 1} ${COGGAN_ZONES[i]?.name ?? ''} ${minutes(z.seconds)}`).join(', ')}.`;
}

function rejectionLines(rows: AnalysisRow[], today: string): string {
  if (rows.length === 0) return 'None.';
  return rows
    .map((r) => {
      const when = r.decisionTime ? dateWords(r.decisionTime.toISOString().slice(0, 10), today) : 'earlier';
      const what = r.changes.length ? r.changes.slice(0, 3).join('; ') : 'a first plan';
      return `- ${when}, rejected: ${what}. Reason: ${r.rejectReason ? `"${r.rejectReason}"` : 'none given'}.`;
    })
    .join('\n');
}
