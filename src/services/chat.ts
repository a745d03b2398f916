import { desc, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { chatTurns } from '../db/schema.ts';
import { answerFromNumbers, topicOf } from '../domain/coach/chat-answers.ts';
import { planText, rulesText, snapshotValues } from '../domain/coach/prompt-context.ts';
import type { AiMessage } from '../integrations/ai/client.ts';
import type { AiService } from './ai.ts';
import type { CoachService } from './coach.ts';
import type { PlanBook } from './plans.ts';
import type { RuleBook } from './rules.ts';

export interface ChatAnswer {
  /** Markdown, as the model (or the built-in coach) wrote it. */
  text: string;
  author: 'ai' | 'built-in';
  /** Why the AI did not answer, when it should have: one sentence for the rider. */
  notice?: string;
}

/** Turns sent back to the model with a new question (6 exchanges). */
const HISTORY_TURNS = 12;
/** Turns kept in the database. */
const KEPT_TURNS = 200;
/** An answer of about 800 words; Telegram splits longer text into messages anyway. */
const CHAT_MAX_TOKENS = 1500;

/**
 * Free text to the coach: the AI with the rider's numbers in its prompt, or the
 * built-in coach when there is no key or the AI fails. Both exchanges are kept,
 * so a follow-up question has its context, even after a restart.
 */
export class CoachChat {
  constructor(private readonly deps: { db: Db; ai: AiService; coach: CoachService; plans: PlanBook; rules: RuleBook }) {}

  async answer(question: string): Promise<ChatAnswer> {
    const { ai, coach, plans, rules } = this.deps;
    const snapshot = await coach.snapshot();
    if (ai.configured) {
      const [history, plan, ruleSet] = await Promise.all([this.history(), plans.current(), rules.activeSet()]);
      const run = await ai.run({
        action: 'coach_chat',
        values: { ...snapshotValues(snapshot), plan: planText(plan, snapshot.today), rules: rulesText(ruleSet) },
        turns: [...history, { role: 'user', content: question }],
        maxTokens: CHAT_MAX_TOKENS,
        fallback: 'built-in',
      });
      if (run.ok) {
        const text = run.truncated ? `${run.value}\n\n_(My answer was cut off here: ask me to go on.)_` : run.value;
        await this.remember(question, { text, author: 'ai', promptId: run.promptId, aiCallId: run.callId });
        return { text, author: 'ai' };
      }
      const text = answerFromNumbers(topicOf(question), snapshot, { aiConfigured: true });
      await this.remember(question, { text, author: 'built-in' });
      return { text, author: 'built-in', ...(run.notice ? { notice: run.notice } : {}) };
    }
    const text = answerFromNumbers(topicOf(question), snapshot, { aiConfigured: false });
    await this.remember(question, { text, author: 'built-in' });
    return { text, author: 'built-in' };
  }

  /** The last turns, oldest first, as chat messages. */
  private async history(): Promise<AiMessage[]> {
    const rows = await this.deps.db.select().from(chatTurns).orderBy(desc(chatTurns.id)).limit(HISTORY_TURNS);
    return rows.reverse().map((r) => ({ role: r.role === 'assistant' ? 'assistant' : 'user', content: r.text }));
  }

  /** The question and its answer, together or not at all. */
  private async remember(
    question: string,
    reply: { text: string; author: ChatAnswer['author']; promptId?: number; aiCallId?: number },
  ): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await tx.insert(chatTurns).values([
        { role: 'user', text: question },
        { role: 'assistant', text: reply.text, author: reply.author, promptId: reply.promptId ?? null, aiCallId: reply.aiCallId ?? null },
      ]);
      const keep = tx.select({ id: chatTurns.id }).from(chatTurns).orderBy(desc(chatTurns.id)).limit(KEPT_TURNS);
      await tx.delete(chatTurns).where(notInArray(chatTurns.id, keep));
    });
  }
}
