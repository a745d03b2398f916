import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { lockHistory, type Db, type Tx } from '../db/client.ts';
import { rules } from '../db/schema.ts';
import { parseRulePhrases } from '../domain/plan/rule-phrases.ts';
import { describeRuleSet, mergeRules, ruleSetProblems, uniqueRules } from '../domain/plan/rule-words.ts';
import { EMPTY_RULES, ruleSchema, ruleSetSchema, type RuleSet } from '../domain/plan/rules.ts';
import type { AiService } from './ai.ts';
import type { ProposalRow, Proposals } from './proposals.ts';

export type RulesRow = typeof rules.$inferSelect;

/** What the rule_parsing model answers: the structure, and whether the text replaces the rules in force. */
const aiRulesSchema = z
  .object({
    rules: z.array(ruleSchema).max(40),
    notes: z.array(z.string().max(500)).max(20),
    replaces_current: z.boolean(),
  })
  .strict();

/** A rider's words read into rules, not saved yet. */
export interface RuleReading {
  /** What the words said, as structure. */
  understood: RuleSet;
  /** The whole rule set if saved: the words merged into (or replacing) the rules in force. */
  proposed: RuleSet;
  author: 'ai' | 'built-in';
  /** Why the AI did not read it, when it should have. */
  notice?: string;
  /** Contradictions no plan could satisfy: saving is refused while there are any. */
  problems: string[];
}

export type RuleSaveOutcome =
  | { kind: 'saved'; version: number; rules: RuleSet }
  | { kind: 'decided'; proposal: ProposalRow; version: number | null }
  | { kind: 'stale' }
  | { kind: 'unknown' };

const RULE_PARSING_MAX_TOKENS = 1200;

/** The rider's rules, versioned: every save and every restore is version N+1 with its parent and the rider's words. */
export class RuleBook {
  constructor(private readonly deps: { db: Db; ai: AiService; proposals: Proposals }) {}

  /** `db`: a transaction's handle when read inside one (the embedded database has one connection). */
  async active(db: Db | Tx = this.deps.db): Promise<RulesRow | undefined> {
    const [row] = await db.select().from(rules).orderBy(desc(rules.version)).limit(1);
    return row;
  }

  /** The rules in force; none set: the empty set. */
  async activeSet(db: Db | Tx = this.deps.db): Promise<RuleSet> {
    return (await this.active(db))?.rules ?? EMPTY_RULES;
  }

  async get(version: number): Promise<RulesRow | undefined> {
    const [row] = await this.deps.db.select().from(rules).where(eq(rules.version, version));
    return row;
  }

  async history(limit: number): Promise<RulesRow[]> {
    return this.deps.db.select().from(rules).orderBy(desc(rules.version)).limit(limit);
  }

  /** Reads plain words: the AI when configured, our phrase parser when not or when it fails. */
  async read(text: string): Promise<RuleReading> {
    const current = await this.activeSet();
    const { ai } = this.deps;
    let notice: string | undefined;
    if (ai.configured) {
      const run = await ai.run({
        action: 'rule_parsing',
        values: { rule_text: text, current_rules: describeRuleSet(current).join('\n') || 'None yet.' },
        schema: { name: 'training_rules', zod: aiRulesSchema },
        maxTokens: RULE_PARSING_MAX_TOKENS,
        fallback: 'built-in',
      });
      if (run.ok) {
        // the model may repeat itself: a rule twice is one rule
        const understood = { rules: uniqueRules(run.value.rules), notes: [...new Set(run.value.notes.map((n) => n.trim()).filter(Boolean))] };
        const proposed = run.value.replaces_current ? understood : mergeRules(current, understood);
        return { understood, proposed, author: 'ai', problems: problemsOf(proposed) };
      }
      notice = run.notice;
    }
    const understood = parseRulePhrases(text);
    const proposed = mergeRules(current, understood);
    return { understood, proposed, author: 'built-in', ...(notice ? { notice } : {}), problems: problemsOf(proposed) };
  }

  /** Keeps a rule set for the rider's Save / Cancel. */
  async propose(set: RuleSet, sourceText: string, reason: string): Promise<ProposalRow> {
    const base = await this.active();
    return this.deps.proposals.create('rules', { payload: ruleSetSchema.parse(set), reason, sourceText, baseId: base?.id ?? null });
  }

  /** Save: version N+1, once, however often it is tapped; stale when the rules changed since it was shown. */
  async save(proposalId: number): Promise<RuleSaveOutcome> {
    return this.deps.db.transaction(async (tx) => {
      await lockHistory(tx, 'rules');
      const proposal = await this.deps.proposals.lock(tx, proposalId, 'rules');
      if (!proposal) return { kind: 'unknown' };
      if (proposal.status !== 'pending') {
        const [made] = proposal.resultId ? await tx.select().from(rules).where(eq(rules.id, proposal.resultId)) : [];
        return { kind: 'decided', proposal, version: made?.version ?? null };
      }
      const current = await this.active(tx);
      if ((current?.id ?? null) !== proposal.baseId) return { kind: 'stale' };
      const set = ruleSetSchema.parse(proposal.payload);
      const row = await insertVersion(tx, current, set, proposal.sourceText);
      await this.deps.proposals.decide(tx, proposal.id, { status: 'approved', resultId: row.id });
      return { kind: 'saved', version: row.version, rules: set };
    });
  }

  /** Cancel: recorded once; a later Save of it is answered as decided. */
  async cancel(proposalId: number): Promise<ProposalRow | undefined> {
    return this.deps.db.transaction(async (tx) => {
      const proposal = await this.deps.proposals.lock(tx, proposalId, 'rules');
      if (proposal?.status === 'pending') await this.deps.proposals.decide(tx, proposal.id, { status: 'rejected' });
      return proposal;
    });
  }

  /** Brings back an old version's rules as a new version (history is never rewritten). */
  async restore(version: number): Promise<{ version: number; rules: RuleSet } | undefined> {
    return this.deps.db.transaction(async (tx) => {
      await lockHistory(tx, 'rules');
      const [old] = await tx.select().from(rules).where(eq(rules.version, version));
      if (!old) return undefined;
      const row = await insertVersion(tx, await this.active(tx), old.rules, `Restored from v${version}`);
      return { version: row.version, rules: row.rules };
    });
  }
}

async function insertVersion(tx: Tx, parent: RulesRow | undefined, set: RuleSet, sourceText: string | null): Promise<RulesRow> {
  const [row] = await tx
    .insert(rules)
    .values({ version: (parent?.version ?? 0) + 1, parentRuleId: parent?.id ?? null, rules: set, sourceText })
    .returning();
  return row!;
}

/** Contradictions, and what is beyond what we keep (40 rules, 20 notes of 500 characters). */
function problemsOf(set: RuleSet): string[] {
  const stored = ruleSetSchema.safeParse(set).success ? [] : ['That is more than I keep: at most 40 rules and 20 notes of up to 500 characters each.'];
  return [...ruleSetProblems(set), ...stored];
}
