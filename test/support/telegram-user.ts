// The rider's side of the Telegram double: a private chat (chat id == user id) whose user sends
// messages, files and button presses, and reads the bot's messages as the Telegram app shows them.
import type { Message, MessageEntity, Update, User } from 'grammy/types';
import type { ChatState, TelegramDouble } from './telegram.ts';

const now = () => Math.floor(Date.now() / 1000);
const clone = <T>(v: T): T => structuredClone(v);

/** A rider in a private chat with the bot. */
export class UserDriver {
  private consumed = 0;
  private queries = 0;

  constructor(private readonly tg: TelegramDouble, readonly user: User) {}

  get id(): number {
    return this.user.id;
  }

  /** Text (a leading /command[@bot] gets a bot_command entity); returns the update_id. */
  send(text: string): number {
    const command = /^\/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?/.exec(text);
    const entities: MessageEntity[] = command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
    return this.message({ text, ...(entities.length ? { entities } : {}) });
  }

  sendDocument(doc: { fileName: string; bytes: Uint8Array; mimeType?: string; caption?: string }): number {
    const file = this.tg.storeFile(Buffer.from(doc.bytes), 'document', { name: doc.fileName, mimeType: doc.mimeType });
    return this.message({ document: this.tg.documentOf(file), ...(doc.caption ? { caption: doc.caption } : {}) });
  }

  sendPhoto(bytes: Uint8Array, caption?: string): number {
    const file = this.tg.storeFile(Buffer.from(bytes), 'photo');
    return this.message({ photo: this.tg.photoOf(file), ...(caption ? { caption } : {}) });
  }

  sendSticker(emoji = '👍'): number {
    const file = this.tg.storeFile(Buffer.from('RIFF....WEBP'), 'sticker');
    return this.message({ sticker: { file_id: file.file_id, file_unique_id: file.file_unique_id, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji } });
  }

  /** The user edits one of their earlier messages (an edited_message update). */
  editMessage(messageId: number, text: string): number {
    const chat = this.chat(true);
    const original = chat.messages.get(messageId);
    if (!original || original.from?.id !== this.user.id) throw new Error(`${this.user.first_name} has no message ${messageId} to edit`);
    const edited = { ...original, text, edit_date: now() } as Message;
    chat.messages.set(messageId, edited);
    return this.tg.injectUpdate({ edited_message: clone(edited) } as Omit<Update, 'update_id'>);
  }

  /** Presses the inline button with this callback_data on a bot message; returns the update_id. */
  press(message: Message | number, data: string): number {
    const chat = this.chat(true);
    const id = typeof message === 'number' ? message : message.message_id;
    const current = chat.messages.get(id);
    const buttons = current?.reply_markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => 'callback_data' in b && b.callback_data === data)) {
      throw new Error(`Message ${id} in chat ${chat.chat.id} has no button with callback_data ${JSON.stringify(data)}; buttons: ${JSON.stringify(buttons)}`);
    }
    const queryId = `${this.user.id}${String(++this.queries).padStart(6, '0')}`;
    this.tg.issueQuery(queryId);
    return this.tg.injectUpdate({
      callback_query: { id: queryId, from: this.user, message: clone(current!), chat_instance: `-${this.user.id}42`, data },
    } as Omit<Update, 'update_id'>);
  }

  /** The next message the bot sent or edited in this chat that no earlier nextReply returned. */
  async nextReply({ timeoutMs = 5000 } = {}): Promise<Message> {
    const reply = await this.tg.waitFor(() => this.chat(false)?.replies[this.consumed], timeoutMs, () => {
      const seen = (this.chat(false)?.replies ?? []).map((m) => `  #${m.message_id}: ${JSON.stringify(m.text ?? m.caption ?? '(media)').slice(0, 120)}`);
      return `${this.user.first_name} (chat ${this.user.id}) got no new bot message within ${timeoutMs} ms (${this.consumed} already consumed).\n` +
        `Bot messages so far:\n${seen.join('\n') || '  (none)'}\n${this.tg.describeCalls()}`;
    });
    this.consumed++;
    return reply;
  }

  /** Current state (after edits and deletes) of every bot message in this chat. */
  messages(): Message[] {
    const all = [...(this.chat(false)?.messages.values() ?? [])];
    return all.filter((m) => m.from?.id !== this.user.id).sort((a, b) => a.message_id - b.message_id).map(clone);
  }

  async download(fileId: string): Promise<Buffer> {
    const file = this.tg.file(fileId);
    if (!file) throw new Error(`No file ${fileId}`);
    return Buffer.from(file.bytes);
  }

  /** The user has written to the bot before, so the bot can message them first (an owner always has: pairing gave the chat id). */
  openChat(): void {
    this.chat(true);
  }

  private chat(create: true): ChatState;
  private chat(create: false): ChatState | undefined;
  private chat(create: boolean): ChatState | undefined {
    return this.tg.chatState(this.user, create);
  }

  private message(content: object): number {
    const chat = this.chat(true);
    const message = { message_id: chat.nextId++, from: this.user, chat: chat.chat, date: now(), ...content } as Message;
    chat.messages.set(message.message_id, message);
    return this.tg.injectUpdate({ message: clone(message) } as Omit<Update, 'update_id'>);
  }
}
