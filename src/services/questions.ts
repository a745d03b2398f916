import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { pendingQuestion } from '../db/schema.ts';

export interface Question {
  kind: string;
  subject: string;
}

/** A question unanswered this long is forgotten: text sent hours later is not its answer. */
export const QUESTION_TTL_MS = 15 * 60_000;

/**
 * The question the bot is waiting on, if any (one chat, so at most one). A
 * feature asks, the next plain text answers, /cancel drops it.
 */
export class PendingQuestions {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async ask(question: Question): Promise<void> {
    const row = { ...question, askedAt: this.now() };
    await this.db
      .insert(pendingQuestion)
      .values({ id: 1, ...row })
      .onConflictDoUpdate({ target: pendingQuestion.id, set: row });
  }

  /** The open question, unless it has expired. */
  async current(): Promise<Question | undefined> {
    const [row] = await this.db.select().from(pendingQuestion).where(eq(pendingQuestion.id, 1));
    if (!row || this.now().getTime() - row.askedAt.getTime() > QUESTION_TTL_MS) return undefined;
    return { kind: row.kind, subject: row.subject };
  }

  /** Drops the question; returns it when one was still open. */
  async clear(): Promise<Question | undefined> {
    const open = await this.current();
    await this.db.delete(pendingQuestion).where(eq(pendingQuestion.id, 1));
    return open;
  }
}
