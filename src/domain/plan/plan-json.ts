/**
 * The JSON contract of the CLI for plans and rules, out and back in: snake_case,
 * as scripts and other tools expect, mapped to and from our camelCase types here
 * and nowhere else. Pure: no database, no clock.
 *
 * Reading is strict about shape (an unknown field is a problem, not silently
 * dropped: a typo like "target_pct" must not pass) and deaf to numbers we
 * compute ourselves: `planned_if`, `planned_tss`, `duration_minutes` and `day`
 * in the input are ignored and recomputed from the steps and dates, so a plan
 * cannot claim an easy hour that is not.
 */
import { z } from 'zod';
import { addDays, isDay, weekdayOf } from '../calendar.ts';
import type { Weekday } from '../calendar.ts';
import { completePlan, planInputSchema } from './plan.ts';
import type { Plan, Target, WorkoutType } from './plan.ts';
import { ruleSetSchema } from './rules.ts';
import { friendlyMessage, issueText } from './schema-words.ts';
import type { Rule, RuleSet } from './rules.ts';

export interface StepJson {
  duration_s: number;
  target_pct_ftp: Target;
}

export interface WorkoutJson {
  date: string;
  day: Weekday;
  type: WorkoutType;
  duration_minutes: number;
  /** Two decimals. */
  planned_if: number;
  /** One decimal. */
  planned_tss: number;
  description: string;
  steps: StepJson[];
}

export interface WeekJson {
  week_start: string;
  focus: string;
  workouts: WorkoutJson[];
}

export interface PlanJson {
  version: number;
  parent_version: number | null;
  reason: string | null;
  /** ISO 8601 in UTC, e.g. "2024-11-11T07:30:00.000Z". */
  created_at: string;
  goal: { event: string; date: string; route_id: number | null } | null;
  plan_overview: string;
  start_date: string;
  end_date: string;
  weeks: WeekJson[];
}

/** What a stored plan version knows besides the plan itself. */
export interface PlanMeta {
  version: number;
  parentVersion: number | null;
  reason: string | null;
  createdAt: Date;
}

export interface RulesJson {
  version: number | null;
  rules: Rule[];
  notes: string[];
}

/** Problems are short sentences, each with the path of what it is about: "weeks[0].workouts[2].date: two workouts on 2024-11-14". */
export type ReadResult<K extends string, T> = ({ ok: true } & { [key in K]: T }) | { ok: false; problems: string[] };

export function planJson(plan: Plan, meta: PlanMeta): PlanJson {
  return {
    version: meta.version,
    parent_version: meta.parentVersion,
    reason: meta.reason,
    created_at: meta.createdAt.toISOString(),
    goal: plan.goal && { event: plan.goal.event, date: plan.goal.date, route_id: plan.goal.routeId },
    plan_overview: plan.overview,
    start_date: plan.startDate,
    end_date: plan.endDate,
    weeks: plan.weeks.map((week) => ({
      week_start: week.weekStart,
      focus: week.focus,
      workouts: week.workouts.map((w) => ({
        date: w.date,
        day: weekdayOf(w.date),
        type: w.type,
        duration_minutes: w.durationMinutes,
        planned_if: Math.round(w.plannedIf * 100) / 100,
        planned_tss: w.plannedTss,
        description: w.description,
        steps: w.steps.map((s) => ({
          duration_s: s.durationS,
          target_pct_ftp: typeof s.targetPctFtp === 'number' ? s.targetPctFtp : [s.targetPctFtp[0], s.targetPctFtp[1]],
        })),
      })),
    })),
  };
}

/**
 * Reads a plan in the shape `planJson` writes. Meta fields and our computed
 * numbers may be there and are ignored; `goal` may be left out (no goal);
 * `start_date` and `end_date` default to the first Monday and the last Sunday
 * of the weeks. Checked with `planInputSchema`, so the same rules hold as for a
 * plan from the AI.
 */
export function planFromJson(value: unknown): ReadResult<'plan', Plan> {
  if (!isObject(value)) return { ok: false, problems: ['The plan is not a JSON object.'] };
  const problems: string[] = [];
  const plan = renamed(value, '', PLAN, problems);
  plan.goal ??= null;
  if (isObject(plan.goal)) plan.goal.routeId ??= null;
  if (Array.isArray(plan.weeks)) {
    const first = weekStartOf(plan.weeks[0]);
    const last = weekStartOf(plan.weeks[plan.weeks.length - 1]);
    if (plan.startDate === undefined && first) plan.startDate = first;
    if (plan.endDate === undefined && last) plan.endDate = addDays(last, 6);
  }
  const parsed = planInputSchema.safeParse(plan, { error: friendlyMessage });
  if (!parsed.success) problems.push(...parsed.error.issues.map(problemText));
  return parsed.success && problems.length === 0 ? { ok: true, plan: completePlan(parsed.data) } : { ok: false, problems };
}

export function rulesJson(set: RuleSet, version: number | null): RulesJson {
  return { version, rules: set.rules.map((r) => ({ ...r })), notes: [...set.notes] };
}

/**
 * Reads rules in the shape `rulesJson` writes (version ignored, notes optional)
 * or a bare array of rules, which is what one writes by hand.
 */
export function rulesFromJson(value: unknown): ReadResult<'rules', RuleSet> {
  if (!Array.isArray(value) && !isObject(value)) return { ok: false, problems: ['The rules are neither a JSON object nor an array of rules.'] };
  const problems: string[] = [];
  const read = Array.isArray(value) ? { rules: value } : renamed(value, '', RULES, problems);
  const parsed = ruleSetSchema.safeParse({ rules: read.rules, notes: read.notes ?? [] }, { error: friendlyMessage });
  if (!parsed.success) {
    // A bare array's paths start at the array: "[2].day", not "rules[2].day".
    const from = Array.isArray(value) ? 1 : 0;
    problems.push(...parsed.error.issues.map((i) => problemText({ path: i.path.slice(from), message: i.message })));
  }
  return parsed.success && problems.length === 0 ? { ok: true, rules: parsed.data } : { ok: false, problems };
}

/**
 * How a JSON object maps to ours: a field's new name, null for a field that is
 * read and ignored, or a nested object (`list` for an array of them).
 */
type Shape = Readonly<Record<string, string | null | { name: string; shape: Shape; list?: true }>>;

const STEP: Shape = { duration_s: 'durationS', target_pct_ftp: 'targetPctFtp' };
const WORKOUT: Shape = {
  date: 'date',
  day: null,
  type: 'type',
  duration_minutes: null,
  planned_if: null,
  planned_tss: null,
  description: 'description',
  steps: { name: 'steps', shape: STEP, list: true },
};
const WEEK: Shape = { week_start: 'weekStart', focus: 'focus', workouts: { name: 'workouts', shape: WORKOUT, list: true } };
const GOAL: Shape = { event: 'event', date: 'date', route_id: 'routeId' };
const PLAN: Shape = {
  version: null,
  parent_version: null,
  reason: null,
  created_at: null,
  goal: { name: 'goal', shape: GOAL },
  plan_overview: 'overview',
  start_date: 'startDate',
  end_date: 'endDate',
  weeks: { name: 'weeks', shape: WEEK, list: true },
};
const RULES: Shape = { version: null, rules: 'rules', notes: 'notes' };

/** Our field → JSON field, to name a problem the way the input did. */
const JSON_NAMES = new Map<string, string>();
for (const shape of [PLAN, GOAL, WEEK, WORKOUT, STEP]) {
  for (const [json, ours] of Object.entries(shape)) {
    if (ours !== null) JSON_NAMES.set(typeof ours === 'string' ? ours : ours.name, json);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` with its fields renamed, nested objects too; unknown fields become problems. */
function renamed(value: Record<string, unknown>, path: string, shape: Shape, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const field = shape[key];
    const at = path ? `${path}.${key}` : key;
    if (field === undefined) problems.push(`${at}: not a known field (known: ${Object.keys(shape).join(', ')})`);
    else if (field === null) continue; // read and ignored
    else if (typeof field === 'string') out[field] = v;
    else if (!field.list) out[field.name] = nested(v, at, field.shape, problems);
    else out[field.name] = Array.isArray(v) ? v.map((x, i) => nested(x, `${at}[${i}]`, field.shape, problems)) : v;
  }
  return out;
}

/** Anything that is not an object is passed on unchanged, for the schema to say what it should be. */
function nested(value: unknown, path: string, shape: Shape, problems: string[]): unknown {
  return isObject(value) ? renamed(value, path, shape, problems) : value;
}

function weekStartOf(week: unknown): string | undefined {
  const start = isObject(week) ? week.weekStart : undefined;
  return typeof start === 'string' && isDay(start) ? start : undefined;
}

/** "weeks[0].workouts[2].date: two workouts on 2024-11-14", in the JSON contract's names. */
function problemText(issue: { path: readonly PropertyKey[]; message: string }): string {
  return issueText(issue, (key) => JSON_NAMES.get(key) ?? key);
}

