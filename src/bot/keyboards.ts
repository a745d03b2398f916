import { InlineKeyboard } from 'grammy';
import { html } from './html.ts';

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
