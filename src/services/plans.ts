import { desc, eq } from 'drizzle-orm';
import { lockHistory, type Db, type Tx } from '../db/client.ts';
import { plans } from '../db/schema.ts';
import { checkPlan, type Violation } from '../domain/plan/checker.ts';
import type { Plan } from '../domain/plan/plan.ts';
import { repairPlan, type RepairResult } from '../domain/plan/repair.ts';
import type { Rule, RuleSet } from '../domain/plan/rules.ts';
import { WEEKDAYS } from '../domain/calendar.ts';
import type { Goal, GoalService } from './goal.ts';
import type { ProposalRow, Proposals } from './proposals.ts';
import type { RuleBook } from './rules.ts';

export type PlanRow = typeof plans.$inferSelect;

export type ApproveOutcome =
  | { kind: 'saved'; version: number; plan: Plan }
  | { kind: 'decided'; proposal: ProposalRow; version: number | null }
  /** The plan moved on since this was proposed. */
  | { kind: 'stale'; currentVersion: number }
  /** The rules changed since, and this plan breaks them now. */
  | { kind: 'refused'; violations: Violation[] }
  | { kind: 'unknown' };

export type RestoreOutcome =
  | { kind: 'saved'; version: number; plan: Plan }
  /** It needed repairs for today's rules: shown for Approve / Reject. */
  | { kind: 'proposed'; proposal: ProposalRow; repairs: string[] }
  | { kind: 'refused'; violations: Violation[] }
  | { kind: 'unknown' };

/**
 * The training plan, versioned. Every plan, whoever wrote it, passes the rules
 * checker on its way in: here (`admit`) before it is shown, and again inside
 * the transaction that saves it, so no path saves a plan that breaks an active rule.
 */
export class PlanBook {
  constructor(private readonly deps: { db: Db; rules: RuleBook; goals: GoalService; proposals: Proposals }) {}

  async current(): Promise<PlanRow | undefined> {
    const [row] = await this.deps.db.select().from(plans).orderBy(desc(plans.version)).limit(1);
    return row;
  }

  async get(version: number): Promise<PlanRow | undefined> {
    const [row] = await this.deps.db.select().from(plans).where(eq(plans.version, version));
    return row;
  }

  async history(limit: number): Promise<PlanRow[]> {
    return this.deps.db.select().from(plans).orderBy(desc(plans.version)).limit(limit);
  }

  /** The parent's version number, for lists and the CLI. */
  async parentVersion(row: PlanRow): Promise<number | null> {
    if (row.parentPlanId === null) return null;
    const [parent] = await this.deps.db.select({ version: plans.version }).from(plans).where(eq(plans.id, row.parentPlanId));
    return parent?.version ?? null;
  }

  /**
   * What every plan must keep: the rider's rules, and the time they said they
   * have (a day they cannot ride is a rest day; their hours a week a cap).
   */
  async constraints(rules?: RuleSet, db: Db | Tx = this.deps.db): Promise<RuleSet> {
    const set = rules ?? (await this.deps.rules.activeSet(db));
    const goal = await this.deps.goals.get(db);
    return goal ? withAvailability(set, goal) : set;
  }

  /** Repairs what code can (from `today` on: earlier days are history); what remains refuses the plan. */
  async admit(plan: Plan, today: string, rules?: RuleSet): Promise<RepairResult> {
    return repairPlan(plan, await this.constraints(rules), { eventDate: plan.goal?.date ?? null, from: today });
  }

  /** Keeps an admitted plan for the rider's Approve / Reject. */
  async propose(plan: Plan, reason: string, repairs: string[]): Promise<ProposalRow> {
    const base = await this.current();
    return this.deps.proposals.create('plan', { payload: plan, reason, repairs, baseId: base?.id ?? null });
  }

  async rememberMessage(proposalId: number, telegramMessageId: number): Promise<void> {
    await this.deps.proposals.setMessage(proposalId, telegramMessageId);
  }

  /**
   * Runs `decide` in a transaction holding the plan history lock, with the
   * current version and a `save` that writes version N+1 on it: every writer of
   * plan versions goes through here, so two at once cannot both take N+1.
   */
  async withHistory<T>(decide: (tx: Tx, current: PlanRow | undefined, save: (plan: Plan, reason: string) => Promise<PlanRow>) => Promise<T>): Promise<T> {
    return this.deps.db.transaction(async (tx) => {
      await lockHistory(tx, 'plans');
      const [current] = await tx.select().from(plans).orderBy(desc(plans.version)).limit(1);
      return decide(tx, current, (plan, reason) => insertVersion(tx, current, plan, reason));
    });
  }

  /** The version number of a plan row, inside a transaction. */
  async versionOf(tx: Tx, planId: number | null): Promise<number | null> {
    if (planId === null) return null;
    const [row] = await tx.select({ version: plans.version }).from(plans).where(eq(plans.id, planId));
    return row?.version ?? null;
  }

  /** What `plan` breaks from `today` on, under the rules in force inside `tx`. */
  async violations(tx: Tx, plan: Plan, today: string): Promise<Violation[]> {
    return checkPlan(plan, await this.constraints(undefined, tx), { eventDate: plan.goal?.date ?? null, from: today });
  }

  /** Approve: version N+1 once, however often and however late it is tapped. */
  async approve(proposalId: number, today: string): Promise<ApproveOutcome> {
    return this.withHistory(async (tx, current, save) => {
      const proposal = await this.deps.proposals.lock(tx, proposalId, 'plan');
      if (!proposal) return { kind: 'unknown' };
      if (proposal.status !== 'pending') return { kind: 'decided', proposal, version: await this.versionOf(tx, proposal.resultId) };
      if ((current?.id ?? null) !== proposal.baseId) return { kind: 'stale', currentVersion: current!.version };
      const plan = proposal.payload as Plan;
      const violations = await this.violations(tx, plan, today);
      if (violations.length > 0) return { kind: 'refused', violations };
      const row = await save(plan, proposal.reason);
      await this.deps.proposals.decide(tx, proposal.id, { status: 'approved', resultId: row.id });
      return { kind: 'saved', version: row.version, plan };
    });
  }

  async reject(proposalId: number): Promise<ProposalRow | undefined> {
    return this.deps.db.transaction(async (tx) => {
      const proposal = await this.deps.proposals.lock(tx, proposalId, 'plan');
      if (proposal?.status === 'pending') await this.deps.proposals.decide(tx, proposal.id, { status: 'rejected' });
      return proposal;
    });
  }

  /**
   * Rollback: an old version becomes version N+1 (history is never rewritten).
   * It passes today's rules first: clean, it is saved at once (the tap was the
   * rider's decision); repaired, it is shown for approval; broken, it is refused.
   */
  async restore(version: number, today: string): Promise<RestoreOutcome> {
    const old = await this.get(version);
    if (!old) return { kind: 'unknown' };
    const admitted = await this.admit(old.plan, today);
    if (admitted.violations.length > 0) return { kind: 'refused', violations: admitted.violations };
    const reason = `Rolled back to v${version}`;
    if (admitted.repairs.length > 0) {
      return { kind: 'proposed', proposal: await this.propose(admitted.plan, reason, admitted.repairs), repairs: admitted.repairs };
    }
    return this.withHistory(async (_tx, _current, save) => {
      const row = await save(admitted.plan, reason);
      return { kind: 'saved', version: row.version, plan: admitted.plan };
    });
  }
}

/** The rules plus the rider's availability as rules: days off are rest days, the hours a cap (the lower one wins). */
export function withAvailability(set: RuleSet, goal: Pick<Goal, 'days' | 'hoursPerWeek'>): RuleSet {
  const restDays = new Set(set.rules.flatMap((r) => (r.kind === 'rest_day' ? [r.day] : [])));
  const daysOff: Rule[] = WEEKDAYS.filter((d) => !goal.days.includes(d) && !restDays.has(d)).map((day) => ({ kind: 'rest_day', day }));
  const cap = set.rules.find((r) => r.kind === 'max_weekly_hours');
  const hours: Rule = { kind: 'max_weekly_hours', hours: Math.min(cap?.hours ?? Infinity, goal.hoursPerWeek) };
  return { rules: [...set.rules.filter((r) => r.kind !== 'max_weekly_hours'), ...daysOff, hours], notes: set.notes };
}

async function insertVersion(tx: Tx, parent: PlanRow | undefined, plan: Plan, reason: string): Promise<PlanRow> {
  const [row] = await tx
    .insert(plans)
    .values({ version: (parent?.version ?? 0) + 1, parentPlanId: parent?.id ?? null, plan, reason })
    .returning();
  return row!;
}
