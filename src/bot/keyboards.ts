import { InlineKeyboard } from 'grammy';

/** Buttons two to a row, e.g. one per older version to go back to (plans, rules, prompts). */
export function pairedButtons(buttons: readonly { label: string; data: string }[], keyboard = new InlineKeyboard()): InlineKeyboard {
  buttons.forEach(({ label, data }, i) => {
    keyboard.text(label, data);
    if (i % 2 === 1) keyboard.row();
  });
  return keyboard;
}
