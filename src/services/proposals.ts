import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { proposals } from '../db/schema.ts';

export type ProposalRow = typeof proposals.$inferSelect;
export type ProposalKind = 'plan' | 'rules';
export type NewProposal = Pick<ProposalRow, 'payload' | 'reason' | 'baseId'> & Partial<Pick<ProposalRow, 'sourceText' | 'repairs'>>;

/**
 * Changes waiting for the rider's tap. Deciding happens inside the caller's
 * transaction with the row locked, so a double tap, two taps at once, or a tap
 * on an old message after a restart decides once.
 */
export class Proposals {
  constructor(private readonly db: Db) {}

  async create(kind: ProposalKind, proposal: NewProposal): Promise<ProposalRow> {
    const [row] = await this.db.insert(proposals).values({ kind, ...proposal }).returning();
    return row!;
  }

  async setMessage(id: number, telegramMessageId: number): Promise<void> {
    await this.db.update(proposals).set({ telegramMessageId }).where(eq(proposals.id, id));
  }

  /** The proposal, locked until the transaction ends; undefined when there is none of this kind. */
  async lock(tx: Tx, id: number, kind: ProposalKind): Promise<ProposalRow | undefined> {
    const [row] = await tx.select().from(proposals).where(eq(proposals.id, id)).for('update');
    return row?.kind === kind ? row : undefined;
  }

  async decide(tx: Tx, id: number, decision: { status: 'approved'; resultId: number } | { status: 'rejected' }): Promise<void> {
    await tx
      .update(proposals)
      .set({ status: decision.status, resultId: decision.status === 'approved' ? decision.resultId : null, decidedAt: new Date() })
      .where(eq(proposals.id, id));
  }
}
