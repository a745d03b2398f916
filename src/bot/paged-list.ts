import { InlineKeyboard, type Composer } from 'grammy';
import type { BotContext } from './context.ts';
import { html } from './html.ts';

export interface ListPage {
  text: string;
  keyboard: InlineKeyboard | undefined;
}

/** A page of a list: one button per item, then Newer/Older. Callback data carries ids only. */
export function pagedList(options: {
  title: string;
  noun: string;
  total: number;
  page: number;
  pageSize: number;
  items: { label: string; data: string }[];
  pageData: (page: number) => string;
}): { text: string; keyboard: InlineKeyboard } {
  const { total, page, pageSize } = options;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const keyboard = new InlineKeyboard();
  for (const item of options.items) keyboard.text(item.label, item.data).row();
  if (page > 0) keyboard.text('◀ Newer', options.pageData(page - 1));
  if (page < pages - 1) keyboard.text('Older ▶', options.pageData(page + 1));
  const text = html`<b>${options.title}</b> (${total}, page ${page + 1} of ${pages}). Tap one for its ${options.noun}.`.value;
  return { text, keyboard };
}

/** `/command` sends page 0 of a list; its Newer/Older buttons (`pageQuery`, page number in group 1) edit it in place. */
export function servePagedList(feature: Composer<BotContext>, command: string, pageQuery: RegExp, listPage: (page: number) => Promise<ListPage>): void {
  const markup = (keyboard: InlineKeyboard | undefined) => ({ parse_mode: 'HTML' as const, ...(keyboard ? { reply_markup: keyboard } : {}) });
  feature.command(command, async (ctx) => {
    const { text, keyboard } = await listPage(0);
    await ctx.reply(text, markup(keyboard));
  });
  feature.callbackQuery(pageQuery, async (ctx) => {
    const { text, keyboard } = await listPage(Number(ctx.match[1]));
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(text, markup(keyboard));
  });
}
