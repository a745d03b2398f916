import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { conversationState } from '../db/schema.ts';

/**
 * Where @grammyjs/conversations keeps a dialog's replay state: our database,
 * so a restart in the middle of the goal dialog resumes it. The plugin's own
 * storage contract (read / write / delete by key, values versioned by it).
 */
export class DialogStore<S> {
  constructor(private readonly db: Db) {}

  async read(key: string): Promise<S | undefined> {
    const [row] = await this.db.select().from(conversationState).where(eq(conversationState.key, key));
    return row?.state as S | undefined;
  }

  async write(key: string, state: S): Promise<void> {
    const row = { state: state as unknown, updatedAt: new Date() };
    await this.db.insert(conversationState).values({ key, ...row }).onConflictDoUpdate({ target: conversationState.key, set: row });
  }

  async delete(key: string): Promise<void> {
    await this.db.delete(conversationState).where(eq(conversationState.key, key));
  }
}
