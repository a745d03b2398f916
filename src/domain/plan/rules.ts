/**
 * The rider's training rules as structure: what the checker enforces on every
 * plan. Weeks run Monday to Sunday; days are 'monday'..'sunday'. What cannot be
 * structured is kept as a note, in the rider's words, for the AI to read.
 */
import { z } from 'zod';
import { WEEKDAYS } from '../calendar.ts';

export const daySchema = z.enum(WEEKDAYS);

export const ruleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rest_day'), day: daySchema }).strict(),
  z.object({ kind: z.literal('max_weekly_hours'), hours: z.number().gt(0).max(40) }).strict(),
  z.object({ kind: z.literal('max_hard_days_per_week'), count: z.number().int().min(0).max(7) }).strict(),
  z.object({ kind: z.literal('no_back_to_back_hard_days') }).strict(),
  z.object({ kind: z.literal('long_ride_day'), day: daySchema }).strict(),
  z.object({ kind: z.literal('max_minutes_on_day'), day: daySchema, minutes: z.number().int().min(0).max(1440) }).strict(),
  z.object({ kind: z.literal('taper_before_event'), days: z.number().int().min(1).max(28) }).strict(),
]);

export type Rule = z.infer<typeof ruleSchema>;
export type RuleKind = Rule['kind'];
export type RuleOf<K extends RuleKind> = Extract<Rule, { kind: K }>;

export const RULE_KINDS = ruleSchema.options.map((o) => o.shape.kind.value) as RuleKind[];

export const ruleSetSchema = z
  .object({
    rules: z.array(ruleSchema).max(40),
    notes: z.array(z.string().trim().min(1).max(500)).max(20),
  })
  .strict();

export type RuleSet = z.infer<typeof ruleSetSchema>;

export const EMPTY_RULES: RuleSet = { rules: [], notes: [] };

/** A workout is hard when its planned IF is at least this. */
export const HARD_IF = 0.85;
