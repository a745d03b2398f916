import { lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { processedUpdates } from '../db/schema.ts';

/**
 * Telegram re-delivers a batch after a crash (getUpdates is at-least-once). An
 * update id is recorded once its handler finished, so a re-delivered update that
 * was already answered is skipped, and one that was not is handled again.
 */
export class ProcessedUpdates {
  constructor(private readonly db: Db) {}

  async wasHandled(updateId: number): Promise<boolean> {
    const rows = await this.db
      .select({ id: processedUpdates.updateId })
      .from(processedUpdates)
      .where(sql`${processedUpdates.updateId} = ${updateId}`)
      .limit(1);
    return rows.length > 0;
  }

  async markHandled(updateId: number): Promise<void> {
    await this.db.insert(processedUpdates).values({ updateId }).onConflictDoNothing();
  }

  /** Telegram forgets updates after 24 hours; a week of ids is plenty. */
  async prune(olderThanDays = 7): Promise<void> {
    await this.db
      .delete(processedUpdates)
      .where(lt(processedUpdates.processedAt, sql`now() - make_interval(days => ${olderThanDays})`));
  }
}
