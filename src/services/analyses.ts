import { and, asc, desc, eq, isNotNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { analyses } from '../db/schema.ts';
import type { Form } from '../domain/coach/context.ts';
import type { RideFeedback } from '../domain/coach/feedback.ts';
import type { PlanComparison } from '../domain/coach/ride-vs-plan.ts';
import { adaptPlan, planOperationSchema, type PlanOperation } from '../domain/plan/operations.ts';
import { changedDays } from '../domain/plan/diff.ts';
import type { Plan } from '../domain/plan/plan.ts';
import type { PlanBook } from './plans.ts';

export type AnalysisRow = typeof analyses.$inferSelect;

/** Our numbers an analysis was made with, kept so its message reads the same whenever it is drawn. */
export interface AnalysisFacts {
  /** The ride's local day; null when the device clock was never set. */
  rideDay: string | null;
  /** The ride against the workout planned that day; null without one. */
  comparison: PlanComparison | null;
  /** The morning of the ride, and the end of its day. */
  formBefore: Form | null;
  formAfter: Form | null;
  /** The plan version current when it was made (the draft's base); null without a plan. */
  planVersion: number | null;
}

/** What the worker stores once an analysis is made. */
export interface AnalysisResult {
  feedback: RideFeedback;
  author: 'ai' | 'built-in';
  notes: string[];
  facts: AnalysisFacts;
  /** The proposed change, or none. A first plan has a draft and no operations. */
  proposal: { draft: Plan; operations: PlanOperation[] | null; basePlanId: number | null; reason: string; changes: string[] } | null;
  model: string | null;
  promptId: number | null;
}

export type AnalysisDecision =
  | { kind: 'saved'; version: number; plan: Plan; before: Plan | undefined; reapplied: boolean }
  | { kind: 'decided'; approved: boolean; version: number | null }
  /** The plan moved on (or the day passed) and the change cannot be made on today's plan. */
  | { kind: 'stale'; currentVersion: number | null }
  /** No such analysis, or it proposed nothing. */
  | { kind: 'unknown' };

/** Queues a ride for analysis inside the caller's transaction (the import's, so a ride is never stored without its place in the queue). */
export async function queueAnalysis(db: Db | Tx, workoutId: number): Promise<AnalysisRow> {
  const [row] = await db.insert(analyses).values({ workoutId }).returning();
  return row!;
}

/**
 * The analyses of rides: a queue worked by one worker, and the rider's
 * decisions on the changes they propose. A decision is taken in one
 * transaction with the row locked, so a double tap, two taps at once, or a tap
 * on an old message after a restart decides once and makes at most one version.
 */
export class Analyses {
  private readonly now: () => Date;

  constructor(private readonly deps: { db: Db; plans: PlanBook; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  /** A fresh analysis of a ride (re-analyse): earlier ones are kept. */
  async queue(workoutId: number): Promise<AnalysisRow> {
    return queueAnalysis(this.deps.db, workoutId);
  }

  async get(id: number): Promise<AnalysisRow | undefined> {
    const [row] = await this.deps.db.select().from(analyses).where(eq(analyses.id, id));
    return row;
  }

  /** The oldest queued analysis, its attempt counted before any work (a crash mid-analysis is an attempt). */
  async claim(): Promise<AnalysisRow | undefined> {
    return this.deps.db.transaction(async (tx) => {
      const [next] = await tx.select().from(analyses).where(eq(analyses.status, 'queued')).orderBy(asc(analyses.id)).limit(1).for('update', { skipLocked: true });
      if (!next) return undefined;
      const [row] = await tx.update(analyses).set({ attempts: next.attempts + 1 }).where(eq(analyses.id, next.id)).returning();
      return row;
    });
  }

  async complete(id: number, result: AnalysisResult): Promise<AnalysisRow> {
    const { proposal } = result;
    const [row] = await this.deps.db
      .update(analyses)
      .set({
        status: 'ready',
        feedback: result.feedback,
        author: result.author,
        notes: result.notes,
        facts: result.facts as unknown as Record<string, unknown>,
        operations: proposal?.operations ?? null,
        draft: proposal?.draft ?? null,
        basePlanId: proposal?.basePlanId ?? null,
        changeReason: proposal?.reason ?? null,
        changes: proposal?.changes ?? [],
        model: result.model,
        promptId: result.promptId,
      })
      .where(eq(analyses.id, id))
      .returning();
    return row!;
  }

  /** An attempt failed: it stays queued for the next one, with the error kept. */
  async retryLater(id: number, error: string): Promise<void> {
    await this.deps.db.update(analyses).set({ lastError: error.slice(0, 500) }).where(eq(analyses.id, id));
  }

  /** Even the built-in coach could not analyse it: ready with no feedback, so the rider is told and /analyse can try again. */
  async giveUp(id: number, error: string): Promise<void> {
    await this.deps.db.update(analyses).set({ status: 'ready', lastError: error.slice(0, 500) }).where(eq(analyses.id, id));
  }

  /** Made (or given up) but not yet in the chat, oldest first: after a restart they are sent. */
  async nextUnsent(): Promise<AnalysisRow | undefined> {
    const [row] = await this.deps.db.select().from(analyses).where(eq(analyses.status, 'ready')).orderBy(asc(analyses.id)).limit(1);
    return row;
  }

  async markSent(id: number, telegramMessageId: number): Promise<void> {
    await this.deps.db.update(analyses).set({ status: 'sent', telegramMessageId }).where(eq(analyses.id, id));
  }

  /**
   * Approve: in one transaction with the plan history and this row locked.
   * The plan as proposed when nothing moved since and its days are still
   * ahead; else the operations again on today's plan, kept only when every
   * one still applies and the rules hold; else stale.
   */
  async approve(id: number, today: string): Promise<AnalysisDecision> {
    const { plans } = this.deps;
    return plans.withHistory(async (tx, current, save) => {
      const row = await this.lock(tx, id);
      if (!row?.draft) return { kind: 'unknown' };
      if (row.approved !== null) return { kind: 'decided', approved: row.approved, version: await plans.versionOf(tx, row.resultingPlanId) };
      const operations = readOperations(row.operations);
      let plan: Plan | undefined;
      let reapplied = false;
      const unmoved = (current?.id ?? null) === row.basePlanId;
      // a change to a day gone by is no longer the change the rider was shown
      const ahead = !current || changedDays(current.plan, row.draft).every((day) => day >= today);
      if (unmoved && ahead && (await plans.violations(tx, row.draft, today)).length === 0) {
        plan = row.draft;
      } else if (current && operations?.length) {
        const rules = await plans.constraints(undefined, tx);
        const again = adaptPlan(current.plan, operations, rules, { from: today, eventDate: current.plan.goal?.date ?? null });
        if (again.dropped.length === 0 && again.violations.length === 0) {
          plan = again.plan;
          reapplied = true;
        }
      }
      if (!plan) return { kind: 'stale', currentVersion: current?.version ?? null };
      const saved = await save(plan, versionReason(row));
      await tx.update(analyses).set({ approved: true, decisionTime: this.now(), resultingPlanId: saved.id }).where(eq(analyses.id, id));
      return { kind: 'saved', version: saved.version, plan, before: current?.plan, reapplied };
    });
  }

  /** Reject: recorded once; an approved change stays approved. */
  async reject(id: number): Promise<{ kind: 'rejected' } | { kind: 'decided'; approved: boolean } | { kind: 'unknown' }> {
    return this.deps.db.transaction(async (tx) => {
      const row = await this.lock(tx, id);
      if (!row?.draft) return { kind: 'unknown' };
      if (row.approved !== null) return { kind: 'decided', approved: row.approved };
      await tx.update(analyses).set({ approved: false, decisionTime: this.now() }).where(eq(analyses.id, id));
      return { kind: 'rejected' };
    });
  }

  /** The rider's why, kept for the coach's next analyses. */
  async setRejectReason(id: number, reason: string): Promise<boolean> {
    const rows = await this.deps.db
      .update(analyses)
      .set({ rejectReason: reason.trim().slice(0, 500) })
      .where(and(eq(analyses.id, id), eq(analyses.approved, false)))
      .returning({ id: analyses.id });
    return rows.length > 0;
  }

  /** The latest rejected changes, newest first, with the rider's reasons. */
  async recentRejections(limit: number): Promise<AnalysisRow[]> {
    return this.deps.db
      .select()
      .from(analyses)
      .where(and(eq(analyses.approved, false), isNotNull(analyses.decisionTime)))
      .orderBy(desc(analyses.decisionTime))
      .limit(limit);
  }

  private async lock(tx: Tx, id: number): Promise<AnalysisRow | undefined> {
    const [row] = await tx.select().from(analyses).where(eq(analyses.id, id)).for('update');
    return row;
  }
}

/** Stored operations, read back through their schema (a row from an older release may hold none). */
function readOperations(value: unknown): PlanOperation[] | null {
  if (!Array.isArray(value)) return null;
  const parsed = planOperationSchema.array().safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The plan history names the analysis behind each version. */
function versionReason(row: AnalysisRow): string {
  const why = row.changeReason ? `: ${row.changeReason.length > 140 ? `${row.changeReason.slice(0, 139)}…` : row.changeReason}` : '';
  return `Analysis ${row.id} of ride ${row.workoutId}${why}`;
}
