import { readFile } from 'node:fs/promises';
import { and, desc, eq, max } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { prompts } from '../db/schema.ts';
import { InvalidInput } from '../domain/errors.ts';
import { checkTemplate, PROMPT_ACTION_NAMES, PROMPT_ACTIONS, type PromptAction } from '../domain/prompts.ts';
import { PROMPTS_DIR } from '../paths.ts';

export type PromptRow = typeof prompts.$inferSelect;

/** The longest template we take: one Telegram message, so it can be shown and sent back whole. */
export const PROMPT_MAX_CHARS = 4000;

/** The file in prompts/ that seeds an action. */
export function seedFile(action: PromptAction): URL {
  return new URL(`${action}.md`, PROMPTS_DIR);
}

/**
 * Versioned prompt templates, one active per action. The files in prompts/ are
 * the seeds: version 1 at first start, and a new version when a seed changed
 * while the rider never replaced it. Anything the rider writes or picks in the
 * chat is kept as is.
 */
export class PromptLibrary {
  constructor(private readonly db: Db) {}

  async seed(): Promise<void> {
    for (const action of PROMPT_ACTION_NAMES) {
      const text = (await readFile(seedFile(action), 'utf8')).trim();
      const problems = checkTemplate(action, text);
      if (problems) throw new Error(`prompts/${action}.md: ${describeProblems(problems)}`);
      const current = await this.findActive(action);
      if (current && (current.source !== 'seed' || current.promptText === text)) continue;
      await this.addVersion(action, text, current?.model ?? null, 'seed');
    }
  }

  /** The template that runs for this action (seeded at start-up). */
  async active(action: PromptAction): Promise<PromptRow> {
    const row = await this.findActive(action);
    if (!row) throw new Error(`no active prompt for ${action}: the prompts were not seeded`);
    return row;
  }

  /** Every version of an action, newest first. */
  async versions(action: PromptAction): Promise<PromptRow[]> {
    return this.db.select().from(prompts).where(eq(prompts.actionType, action)).orderBy(desc(prompts.version));
  }

  async overview(): Promise<{ action: PromptAction; active: PromptRow }[]> {
    const rows = await this.db.select().from(prompts).where(eq(prompts.active, true));
    return PROMPT_ACTION_NAMES.flatMap((action) => {
      const active = rows.find((r) => r.actionType === action);
      return active ? [{ action, active }] : [];
    });
  }

  /** The rider's new text: version N+1, the only active one. Refused (InvalidInput) with the placeholder list when wrong. */
  async replace(action: PromptAction, text: string): Promise<PromptRow> {
    const template = text.trim();
    if (template.length > PROMPT_MAX_CHARS) {
      throw new InvalidInput('prompt_too_long', `That prompt is ${template.length} characters; the most I take is ${PROMPT_MAX_CHARS}.`);
    }
    const problems = checkTemplate(action, template);
    if (problems) {
      throw new InvalidInput(
        'prompt_placeholders',
        `I kept the current prompt: ${describeProblems(problems)}. A ${action} prompt uses each of these once or more, and no others: ${placeholderList(action)}.`,
      );
    }
    const current = await this.active(action);
    return this.addVersion(action, template, current.model, 'chat');
  }

  /** A new version with the same text and another model (null: AI_MODEL). */
  async setModel(action: PromptAction, model: string | null): Promise<PromptRow> {
    const current = await this.active(action);
    return this.addVersion(action, current.promptText, model, 'chat');
  }

  /** Rollback: an older version becomes the active one again. */
  async activate(action: PromptAction, version: number): Promise<PromptRow> {
    return this.db.transaction(async (tx) => {
      const [target] = await tx
        .select()
        .from(prompts)
        .where(and(eq(prompts.actionType, action), eq(prompts.version, version)))
        .for('update');
      if (!target) throw new InvalidInput('prompt_version_unknown', `${action} has no version ${version}. /prompt ${action} lists them.`);
      await tx.update(prompts).set({ active: false }).where(and(eq(prompts.actionType, action), eq(prompts.active, true)));
      // chosen by the rider: a later seed change must not override it
      const [row] = await tx.update(prompts).set({ active: true, source: 'chat' }).where(eq(prompts.id, target.id)).returning();
      return row!;
    });
  }

  private async findActive(action: PromptAction): Promise<PromptRow | undefined> {
    const [row] = await this.db
      .select()
      .from(prompts)
      .where(and(eq(prompts.actionType, action), eq(prompts.active, true)));
    return row;
  }

  private async addVersion(action: PromptAction, text: string, model: string | null, source: 'seed' | 'chat'): Promise<PromptRow> {
    return this.db.transaction(async (tx) => {
      const [{ latest } = { latest: null }] = await tx
        .select({ latest: max(prompts.version) })
        .from(prompts)
        .where(eq(prompts.actionType, action));
      await tx.update(prompts).set({ active: false }).where(and(eq(prompts.actionType, action), eq(prompts.active, true)));
      const [row] = await tx
        .insert(prompts)
        .values({ actionType: action, promptText: text, model, version: (latest ?? 0) + 1, active: true, source })
        .returning();
      return row!;
    });
  }
}

export function describeProblems(problems: { unknown: string[]; missing: string[] }): string {
  const list = (names: string[]) => names.map((n) => `{{${n}}}`).join(', ');
  const parts: string[] = [];
  if (problems.unknown.length) parts.push(`unknown placeholder${problems.unknown.length > 1 ? 's' : ''} ${list(problems.unknown)}`);
  if (problems.missing.length) parts.push(`missing ${list(problems.missing)}`);
  return parts.join('; ');
}

/** "{{today}}, {{athlete}}, ..." for an action, as the rider must write them. */
export function placeholderList(action: PromptAction): string {
  return PROMPT_ACTIONS[action].placeholders.map((n) => `{{${n}}}`).join(', ');
}
