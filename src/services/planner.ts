import { z } from 'zod';
import { daysBetween, WEEKDAYS } from '../domain/calendar.ts';
import { snapshotValues } from '../domain/coach/prompt-context.ts';
import { dateWords, duration } from '../domain/coach/words.ts';
import type { Violation } from '../domain/plan/checker.ts';
import { generatePlan, planWindow } from '../domain/plan/generator.ts';
import { WORKOUT_TYPES, type Plan } from '../domain/plan/plan.ts';
import { planFromJson } from '../domain/plan/plan-json.ts';
import { describeRuleSet, ruleSetProblems } from '../domain/plan/rule-words.ts';
import { InvalidInput } from '../domain/errors.ts';
import type { AiService } from './ai.ts';
import type { CoachService } from './coach.ts';
import type { Goal } from './goal.ts';
import type { PlanBook } from './plans.ts';
import type { ProposalRow } from './proposals.ts';
import type { RouteLibrary } from './routes.ts';
import type { RuleBook } from './rules.ts';

/** Availability assumed when the rider goes on without a goal. */
const DEFAULT_HOURS = 6;
const PLAN_MAX_TOKENS = 8000;

/** What the plan_generation model answers. A target is low-high (equal for one number); no IF or TSS: ours are computed. */
const aiPlanSchema = z
  .object({
    plan_overview: z.string(),
    weeks: z.array(
      z
        .object({
          week_start: z.string(),
          focus: z.string(),
          workouts: z.array(
            z
              .object({
                date: z.string(),
                type: z.enum(WORKOUT_TYPES),
                description: z.string(),
                steps: z.array(z.object({ duration_s: z.number(), low_pct_ftp: z.number(), high_pct_ftp: z.number() }).strict()),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();
type AiPlan = z.infer<typeof aiPlanSchema>;

/** A plan made for the rider, not yet shown: it keeps their rules (repaired where needed). */
export type PlanDraft = {
  plan: Plan;
  /** Why this plan, for the version history. */
  reason: string;
  /** What code repaired before showing it. */
  repairs: string[];
  author: 'ai' | 'built-in';
  /** Why the AI's plan is not the one shown: its failure, or the rules it broke. */
  notice?: string;
  aiViolations?: Violation[];
};

export type BuildOutcome = PlanDraft & { proposal: ProposalRow };

/**
 * /plan_new: a plan from the AI (plan_generation) or our periodised generator,
 * through the rules checker, kept as a proposal for Approve / Reject. An AI plan
 * that is unusable or breaks a rule beyond repair is never shown as the
 * proposal: our own plan is, with the reason.
 */
export class Planner {
  constructor(
    private readonly deps: { ai: AiService; coach: CoachService; plans: PlanBook; rules: RuleBook; routes: RouteLibrary },
  ) {}

  /** Availability when the rider has no goal: the last three full weeks' hours (at least 3), every day. */
  async defaultGoal(): Promise<Goal> {
    const snapshot = await this.deps.coach.snapshot();
    const hours = snapshot.weeks.slice(1).reduce((s, w) => s + w.movingS, 0) / 3 / 3600;
    return { event: null, hoursPerWeek: hours > 0 ? Math.max(3, Math.round(hours * 2) / 2) : DEFAULT_HOURS, days: [...WEEKDAYS], ftpW: null };
  }

  /** A plan kept as a proposal for Approve / Reject (/plan_new). */
  async build(goal: Goal): Promise<BuildOutcome> {
    const draft = await this.draft(goal);
    const proposal = await this.deps.plans.propose(draft.plan, draft.reason, draft.repairs);
    return { ...draft, proposal };
  }

  /** A plan for `goal` that keeps the rules: the AI's when it holds together, else ours. */
  async draft(goal: Goal): Promise<PlanDraft> {
    const { ai, coach, plans, rules: ruleBook, routes } = this.deps;
    const snapshot = await coach.snapshot();
    const rules = await ruleBook.activeSet();
    const problems = ruleSetProblems(await plans.constraints(rules));
    if (problems.length > 0) {
      throw new InvalidInput('plan_impossible', `No plan can keep your rules and the days you ride: ${problems[0]} (A day you cannot ride counts as a rest day.) Change one with /rules or /goal.`);
    }
    const route = goal.event?.routeId ? await routes.predict(goal.event.routeId) : undefined;
    const ctl = snapshot.fitness.at(-1)?.ctl ?? 0;
    const basis = {
      ftpW: goal.ftpW ?? snapshot.profile.ftpW,
      riderKg: snapshot.profile.riderKg,
      ctl,
      predictedFinishS: route ? Math.round(route.estTimeS) : null,
    };
    const { startDate, horizon, weekStarts } = planWindow(snapshot.today, goal.event?.date ?? null);
    const window = { startDate, endDate: horizon, weekStarts };

    let notice: string | undefined;
    let aiViolations: Violation[] | undefined;
    if (ai.configured) {
      const run = await ai.run({
        action: 'plan_generation',
        values: {
          ...snapshotValues(snapshot),
          goal: goalText(goal, snapshot.today, route),
          availability: availabilityText(goal, window, basis.ftpW),
          rules: describeRuleSet(rules).join('\n') || 'None.',
        },
        schema: { name: 'training_plan', zod: aiPlanSchema },
        maxTokens: PLAN_MAX_TOKENS,
        fallback: 'built-in',
      });
      if (run.ok) {
        const read = planFromJson(contractInput(run.value, goal, window));
        if (read.ok) {
          const admitted = await plans.admit(read.plan, snapshot.today, rules);
          if (admitted.violations.length === 0) {
            const plan = { ...admitted.plan, basis };
            return { plan, reason: `New plan by the AI: ${firstSentence(plan.overview)}`, repairs: admitted.repairs, author: 'ai' };
          }
          aiViolations = admitted.violations;
          notice = 'The AI’s plan broke your rules in ways I cannot repair, so I did not keep it; here is mine.';
        } else {
          notice = `The AI’s plan did not hold together (${read.problems.length} problem${read.problems.length === 1 ? '' : 's'}, e.g. ${read.problems[0]}), so I did not keep it; here is mine.`;
        }
      } else {
        notice = run.notice;
      }
    }

    const built = generatePlan({
      today: snapshot.today,
      event: goal.event,
      eventDurationMinutes: route ? route.estTimeS / 60 : null,
      ctl,
      hoursPerWeek: goal.hoursPerWeek,
      days: goal.days,
      rules,
      keyClimbMinutes: route?.longestClimbS ? route.longestClimbS / 60 : null,
    });
    const admitted = await plans.admit(built, snapshot.today, rules);
    if (admitted.violations.length > 0) {
      // our generator keeps every rule by construction; this is a defect, never saved
      throw new Error(`the built-in plan breaks a rule: ${admitted.violations.map((v) => v.message).join(' ')}`);
    }
    const plan = { ...admitted.plan, basis };
    return {
      plan,
      reason: `New plan: ${firstSentence(plan.overview)}`,
      repairs: admitted.repairs,
      author: 'built-in',
      ...(notice ? { notice } : {}),
      ...(aiViolations ? { aiViolations } : {}),
    };
  }
}

/** The model's answer in our JSON contract's shape, with the goal and dates that are ours to set. */
function contractInput(answer: AiPlan, goal: Goal, window: { startDate: string; endDate: string }) {
  return {
    plan_overview: answer.plan_overview,
    goal: goal.event ? { event: goal.event.name, date: goal.event.date, route_id: goal.event.routeId } : null,
    start_date: window.startDate,
    end_date: window.endDate,
    weeks: answer.weeks.map((w) => ({
      week_start: w.week_start,
      focus: w.focus,
      workouts: w.workouts.map((x) => ({
        date: x.date,
        type: x.type,
        description: x.description,
        steps: x.steps.map((s) => ({
          duration_s: Math.round(s.duration_s),
          target_pct_ftp: s.low_pct_ftp === s.high_pct_ftp ? s.low_pct_ftp : [s.low_pct_ftp, s.high_pct_ftp],
        })),
      })),
    })),
  };
}

/** The goal as the AI reads it: the event, how far off, and its route at today's FTP. */
export function goalText(goal: Goal, today: string, route: { name: string; estTimeS: number; longestClimbS: number | null } | undefined): string {
  if (!goal.event) return 'No event: a general fitness plan.';
  const weeks = Math.ceil(daysBetween(today, goal.event.date) / 7);
  const lines = [`${goal.event.name} on ${dateWords(goal.event.date, today)} (${goal.event.date}), about ${weeks} weeks away.`];
  if (route) {
    lines.push(`Its route takes about ${duration(route.estTimeS)} at the current FTP and weight.`);
    if (route.longestClimbS) lines.push(`Its longest climb takes about ${duration(route.longestClimbS)}: build weeks include work at that duration.`);
  }
  return lines.join(' ');
}

function availabilityText(goal: Goal, window: { startDate: string; endDate: string; weekStarts: string[] }, ftpW: number): string {
  const days = goal.days.length === 7 ? 'any day' : goal.days.map((d) => d[0]!.toUpperCase() + d.slice(1, 3)).join(', ');
  return [
    `Up to ${goal.hoursPerWeek} hours a week, on ${days}.`,
    `Plan with an FTP of ${ftpW} W (targets are in % of it).`,
    `The plan runs from ${window.startDate} to ${window.endDate}; no workout outside those days.`,
    `Weeks start on Monday: ${window.weekStarts.join(', ')}.`,
  ].join('\n');
}

function firstSentence(text: string): string {
  const sentence = /^[^.!?]*[.!?]?/.exec(text.trim())?.[0] ?? text;
  return sentence.length > 120 ? `${sentence.slice(0, 119)}…` : sentence;
}
