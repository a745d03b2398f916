import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { goal } from '../db/schema.ts';
import type { Weekday } from '../domain/calendar.ts';

/** What plans are built to: an event (or none: general fitness) and the time the rider has. */
export interface Goal {
  event: { name: string; date: string; routeId: number | null } | null;
  hoursPerWeek: number;
  days: Weekday[];
  /** The FTP to plan with; null: the profile's. */
  ftpW: number | null;
}

/** The rider's one goal (a single row); set by the goal dialog. */
export class GoalService {
  constructor(private readonly db: Db) {}

  /** `db`: a transaction's handle when read inside one. */
  async get(db: Db | Tx = this.db): Promise<Goal | undefined> {
    const [row] = await db.select().from(goal).where(eq(goal.id, 1));
    if (!row) return undefined;
    return {
      event: row.eventName && row.eventDate ? { name: row.eventName, date: row.eventDate, routeId: row.routeId } : null,
      hoursPerWeek: row.hoursPerWeek,
      days: row.days,
      ftpW: row.ftpW,
    };
  }

  async save(g: Goal): Promise<void> {
    const row = {
      eventName: g.event?.name ?? null,
      eventDate: g.event?.date ?? null,
      routeId: g.event?.routeId ?? null,
      hoursPerWeek: g.hoursPerWeek,
      days: g.days,
      ftpW: g.ftpW,
      updatedAt: new Date(),
    };
    await this.db.insert(goal).values({ id: 1, ...row }).onConflictDoUpdate({ target: goal.id, set: row });
  }
}
