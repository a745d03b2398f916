import { Composer, InlineKeyboard } from 'grammy';
import type { Config } from '../../config.ts';
import { InvalidInput } from '../../domain/errors.ts';
import { isPromptAction, PROMPT_ACTION_NAMES, PROMPT_ACTIONS, type PromptAction } from '../../domain/prompts.ts';
import { placeholderList, PROMPT_MAX_CHARS, type PromptLibrary, type PromptRow } from '../../services/prompts.ts';
import type { ProfileService } from '../../services/profile.ts';
import type { PendingQuestions } from '../../services/questions.ts';
import type { BotContext } from '../context.ts';
import { formatDateTime } from '../format.ts';
import { html, joinHtml } from '../html.ts';
import { pairedButtons } from '../keyboards.ts';
import { splitPreBlock } from '../messages.ts';

/** Callback data: the action name and a version number, well under Telegram's 64 bytes. */
const cb = {
  show: (action: PromptAction) => `pr:s:${action}`,
  replace: (action: PromptAction) => `pr:r:${action}`,
  use: (action: PromptAction, version: number) => `pr:u:${action}:${version}`,
};
const QUESTION_KIND = 'prompt';
/** Older versions offered for rollback, newest first. */
const ROLLBACK_BUTTONS = 8;
const MODEL_ID = /^[\w.:@/-]{1,120}$/;

function actionNamed(name: string): PromptAction {
  if (isPromptAction(name)) return name;
  throw new InvalidInput('prompt_unknown', `There is no prompt called "${name.slice(0, 40)}". The prompts are: ${PROMPT_ACTION_NAMES.join(', ')}.`);
}

/**
 * The AI's instructions, versioned from the chat: /prompts lists them, /prompt
 * ACTION shows one with a button to replace it (the next message is the new
 * text) and one per older version to roll back; /prompt ACTION model ID picks
 * the model for that task.
 */
export function promptsFeature(
  library: PromptLibrary,
  questions: PendingQuestions,
  profiles: ProfileService,
  config: Config,
): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const modelOf = (row: PromptRow) => (row.model ? row.model : `${config.ai.model} (AI_MODEL)`);
  const origin = (row: PromptRow) => (row.source === 'seed' ? 'from prompts/' : 'yours');

  async function list(ctx: BotContext): Promise<void> {
    const overview = await library.overview();
    const keyboard = pairedButtons(overview.map(({ action }) => ({ label: action, data: cb.show(action) })));
    await ctx.reply(
      joinHtml([
        html`<b>Prompts</b> — the AI's instructions, one per task:`,
        ...overview.map(
          ({ action, active }) => html`• <b>${action}</b> v${active.version} (${origin(active)}), model ${modelOf(active)}: ${PROMPT_ACTIONS[action].description}`,
        ),
        ...(config.ai.apiKey ? [] : [html``, html`No AI key is set, so the built-in coach answers and these wait until you set OPENROUTER_API_KEY.`]),
        html``,
        html`Tap one to read it, replace it, or go back to an older version.`,
      ]).value,
      { parse_mode: 'HTML', reply_markup: keyboard },
    );
  }

  async function show(ctx: BotContext, action: PromptAction): Promise<void> {
    const [versions, tz] = await Promise.all([library.versions(action), profiles.timeZone()]);
    const active = versions.find((v) => v.active)!;
    const header = joinHtml([
      html`<b>${action}</b> v${active.version} (${origin(active)}, ${formatDateTime(active.createdAt, tz)}), model ${modelOf(active)}.`,
      html`It ${PROMPT_ACTIONS[action].description}; I fill in ${placeholderList(action)}.`,
      html`Another model for this task: <code>/prompt ${action} model provider/model-id</code> (<code>model default</code> for AI_MODEL).`,
      html``,
    ]).value;
    const keyboard = new InlineKeyboard().text('✏️ Replace the text', cb.replace(action)).row();
    pairedButtons(
      versions
        .filter((v) => !v.active)
        .slice(0, ROLLBACK_BUTTONS)
        .map((v) => ({ label: `↩ Use v${v.version}${v.model ? ` (${v.model.split('/').pop()})` : ''}`, data: cb.use(action, v.version) })),
      keyboard,
    );
    const parts = splitPreBlock(header, active.promptText.split('\n').map((line) => html`${line}`.value));
    for (const [i, part] of parts.entries()) {
      await ctx.reply(part, { parse_mode: 'HTML', ...(i === parts.length - 1 ? { reply_markup: keyboard } : {}) });
    }
  }

  const changed = (row: PromptRow, what: string) =>
    html`${what}: <b>${row.actionType}</b> is now v${row.version}, model ${modelOf(row)}. /prompt ${row.actionType} shows it, with a button to go back.`.value;

  feature.command('prompts', list);

  feature.command('prompt', async (ctx) => {
    const [name, sub, ...rest] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (!name) return list(ctx);
    const action = actionNamed(name);
    if (sub === undefined) return show(ctx, action);
    const model = rest.join(' ');
    if (sub !== 'model' || !(model === 'default' || MODEL_ID.test(model))) {
      throw new InvalidInput('prompt_command', `I know /prompt ${action} and /prompt ${action} model provider/model-id (or model default).`);
    }
    const row = await library.setModel(action, model === 'default' ? null : model);
    await ctx.reply(changed(row, 'Model changed'), { parse_mode: 'HTML' });
  });

  feature.callbackQuery(/^pr:s:(\w+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await show(ctx, actionNamed(ctx.match[1]!));
  });

  feature.callbackQuery(/^pr:r:(\w+)$/, async (ctx) => {
    const action = actionNamed(ctx.match[1]!);
    await questions.ask({ kind: QUESTION_KIND, subject: action });
    await ctx.answerCallbackQuery();
    await ctx.reply(
      html`Send me the new text for <b>${action}</b> as one message (up to ${PROMPT_MAX_CHARS} characters). It must use each of ${placeholderList(action)}, and no other {{placeholders}}. /cancel keeps the current one.`.value,
      { parse_mode: 'HTML' },
    );
  });

  feature.callbackQuery(/^pr:u:(\w+):(\d+)$/, async (ctx) => {
    const row = await library.activate(actionNamed(ctx.match[1]!), Number(ctx.match[2]));
    await ctx.answerCallbackQuery({ text: `${row.actionType}: v${row.version} is active` });
    await ctx.reply(changed(row, 'Rolled back'), { parse_mode: 'HTML' });
  });

  // the answer to "send me the new text": plain text while that question is open
  feature.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    const question = await questions.current();
    if (question?.kind !== QUESTION_KIND) return next();
    let row: PromptRow;
    try {
      row = await library.replace(actionNamed(question.subject), ctx.message.text);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      await ctx.reply(`${error.riderMessage} Send it again, or /cancel.`);
      return;
    }
    await questions.clear();
    await ctx.reply(changed(row, 'Saved'), { parse_mode: 'HTML' });
  });

  return feature;
}
