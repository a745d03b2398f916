// A Telegram Bot API double over real HTTP, for driving our bot end to end (grammY included).
// Semantics follow the real Bot API where our code could notice a difference: long polling with
// offset confirmation and re-delivery, 409 conflicts, webhooks, limits counted like Telegram.
//
//   const tg = await TelegramDouble.start();            // start the bot with TELEGRAM_API_ROOT=tg.apiRoot
//   const ana = tg.user({ id: 1001, firstName: 'Ana' });
//   const u = ana.send('/start');
//   const reply = await ana.nextReply();                // reply.text is what the rider sees
//   ana.press(reply, 'plan:week');
//   await tg.waitForConfirmed(u);                       // the bot's next poll confirmed the update
//   await tg.stop();
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import busboy from 'busboy';
import type {
  BotCommand, Chat, Document, InlineKeyboardMarkup, Message, MessageEntity, PhotoSize, Update, User, UserFromGetMe,
} from 'grammy/types';
import { HtmlParseError, parseTelegramHtml } from './telegram-html.ts';
import { UserDriver } from './telegram-user.ts';

export { UserDriver };

export interface UploadedFile { filename: string; bytes: Buffer; mimeType: string }
export type ApiResponse =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };
export interface ApiCall {
  index: number;
  method: string;
  /** JSON body, or form/query fields with JSON-valued fields (reply_markup, …) parsed back. */
  params: Record<string, any>;
  /** Uploaded files by parameter name (`attach://` references resolved). */
  files: Record<string, UploadedFile>;
  at: number;
  /** arrived → (polling →) answered | dropped. waitForCall only sees calls past 'arrived'. */
  state: 'arrived' | 'polling' | 'answered' | 'dropped';
  response?: ApiResponse;
}
export interface Poll { offset: number; limit: number; timeout: number; at: number; callIndex: number }
export type Fault = { status: 429; retryAfter: number } | { status: 500 | 502 } | { status: 400; description: string };
export type InterceptHook = (call: ApiCall) => void | 'drop' | Promise<void | 'drop'>;
export interface WaitOptions { timeoutMs?: number; since?: number }
export interface StartOptions {
  token?: string;
  botInfo?: Partial<UserFromGetMe>;
  /** Reject a `&` that starts no entity (Telegram shows it literally). Default true. */
  strictAmpersand?: boolean;
  webhookRetry?: { attempts: number; backoffMs: number };
}

class TgError extends Error {
  constructor(readonly code: number, description: string, readonly parameters?: { retry_after?: number }) {
    super(description);
  }
}
const bad = (description: string) => new TgError(400, `Bad Request: ${description}`);
const now = () => Math.floor(Date.now() / 1000);
const clone = <T>(v: T): T => structuredClone(v);
const num = (v: unknown, fallback: number) => (v === undefined || v === '' || v === null ? fallback : Number(v));
const bool = (v: unknown) => v === true || v === 'true' || v === '1';
const JSON_FIELDS = ['reply_markup', 'entities', 'caption_entities', 'allowed_updates', 'commands', 'scope',
  'link_preview_options', 'reply_parameters', 'media'];
const CHAT_ACTIONS = ['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note'];
// getUpdates/setWebhook default when allowed_updates is [] or was never given.
const ALL_UPDATES = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_connection',
  'business_message', 'edited_business_message', 'deleted_business_messages', 'inline_query',
  'chosen_inline_result', 'callback_query', 'shipping_query', 'pre_checkout_query', 'purchased_paid_media', 'poll',
  'poll_answer', 'my_chat_member', 'chat_join_request', 'chat_boost', 'removed_chat_boost'];
const NOT_MODIFIED = 'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', pdf: 'application/pdf',
  txt: 'text/plain', csv: 'text/csv', json: 'application/json', gpx: 'application/gpx+xml', zip: 'application/zip' };

export interface StoredFile {
  file_id: string; file_unique_id: string; file_path: string; bytes: Buffer;
  kind: 'photo' | 'document' | 'sticker'; name?: string; mimeType?: string;
}
export interface ChatState { chat: Chat.PrivateChat; nextId: number; messages: Map<number, Message>; replies: Message[] }
interface PendingPoll { finish(result: Update[] | TgError): void }

export class TelegramDouble {
  readonly calls: ApiCall[] = [];
  readonly polls: Poll[] = [];
  readonly botInfo: UserFromGetMe;
  /** Commands from the latest setMyCommands for the default scope and language. */
  commands: BotCommand[] = [];
  private readonly chats = new Map<number, ChatState>();
  private readonly files = new Map<string, StoredFile>();
  private readonly allUpdates = new Map<number, Update>();
  private queue: Update[] = []; // unconfirmed updates, oldest first
  private nextUpdateId = 100_000;
  private confirmed = 0;
  private allowed = new Set(ALL_UPDATES);
  private poll: PendingPoll | undefined;
  private webhook: { url: string; secret?: string; lastError?: { date: number; message: string } } | undefined;
  private delivering = false;
  private stopped = false;
  private readonly queries = new Map<string, { answered: boolean }>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly hooks = new Map<string, InterceptHook>();
  private readonly watchers = new Set<() => void>();
  private fileSeq = 0;

  private constructor(
    private readonly server: Server,
    readonly token: string,
    readonly apiRoot: string,
    private readonly opts: StartOptions,
  ) {
    this.botInfo = {
      id: Number(token.split(':')[0]) || 123456, is_bot: true, first_name: 'Coach', username: 'coach_test_bot',
      can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false,
      can_connect_to_business: false, has_main_web_app: false, has_topics_enabled: false,
      allows_users_to_create_topics: false, can_manage_bots: false, supports_join_request_queries: false,
      ...opts.botInfo,
    };
  }

  static async start(opts: StartOptions = {}): Promise<TelegramDouble> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const tg = new TelegramDouble(server, opts.token ?? '123456:TEST-token', `http://127.0.0.1:${port}`, opts);
    server.on('request', (req, res) => void tg.onRequest(req, res).catch((err: unknown) => send(res, errorBody(err))));
    return tg;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poll?.finish([]);
    await new Promise((r) => setImmediate(r)); // let that last answer flush
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- test controls ------------------------------------------------------------------------

  /** A private chat with this user (chat id == user id). The chat exists once the user writes. */
  user(info: { id: number; firstName: string; lastName?: string; username?: string; languageCode?: string }): UserDriver {
    return new UserDriver(this, {
      id: info.id, is_bot: false, first_name: info.firstName, last_name: info.lastName,
      username: info.username, language_code: info.languageCode ?? 'en',
    });
  }

  /** The next `times` calls to `method` answer with a Telegram-shaped error instead. */
  fail(method: string, fault: Fault, times = 1): void {
    const list = this.faults.get(method.toLowerCase()) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method.toLowerCase(), list);
  }

  /** Runs `hook` as each `method` request arrives; 'drop' kills the socket unanswered. Returns an unsubscribe. */
  intercept(method: string, hook: InterceptHook): () => void {
    this.hooks.set(method.toLowerCase(), hook);
    return () => {
      if (this.hooks.get(method.toLowerCase()) === hook) this.hooks.delete(method.toLowerCase());
    };
  }

  /** Index to pass as `since` so a wait only sees calls made from now on. */
  mark(): number {
    return this.calls.length;
  }

  get updates(): { offset: number; pending: number[]; polling: boolean; webhook: string | undefined } {
    return { offset: this.confirmed, pending: this.queue.map((u) => u.update_id), polling: this.poll !== undefined, webhook: this.webhook?.url };
  }

  /** Every update ever created, by id (confirmed or not). */
  update(updateId: number): Update | undefined {
    return this.allUpdates.get(updateId);
  }

  /** Queues an arbitrary update (e.g. my_chat_member from a group); returns its update_id. */
  injectUpdate(body: Omit<Update, 'update_id'>): number {
    const update_id = this.nextUpdateId++;
    const update = { update_id, ...body } as Update;
    this.allUpdates.set(update_id, update);
    // Telegram never creates updates of types the bot opted out of.
    if (this.allowed.has(Object.keys(body)[0] ?? '')) {
      this.queue.push(update);
      void this.deliverWebhook();
    }
    this.changed();
    return update_id;
  }

  waitForCall(method: string, predicate?: (call: ApiCall) => boolean, opts: number | WaitOptions = {}): Promise<ApiCall> {
    const { timeoutMs = 5000, since = 0 } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
    return this.waitFor(
      () => this.calls.slice(since).find((c) => c.method === method && c.state !== 'arrived' && (!predicate || predicate(c))),
      timeoutMs,
      () => `Timed out after ${timeoutMs} ms waiting for ${method}${predicate ? ' matching the predicate' : ''} (since call #${since}).\n${this.describeCalls()}`,
    );
  }

  /** Resolves with the first poll (getUpdates whose offset was applied) matching `predicate`. */
  waitForPoll(predicate: (poll: Poll) => boolean = () => true, timeoutMs = 5000): Promise<Poll> {
    return this.waitFor(() => this.polls.find(predicate), timeoutMs,
      () => `Timed out after ${timeoutMs} ms waiting for a matching getUpdates poll. Polls: ${JSON.stringify(this.polls.slice(-5))}\n${this.describeCalls()}`);
  }

  /** Resolves once the bot (poll offset) or a webhook delivery confirmed `updateId`. */
  waitForConfirmed(updateId: number, timeoutMs = 5000): Promise<true> {
    return this.waitFor(() => (this.queue.some((u) => u.update_id === updateId) ? undefined : true), timeoutMs,
      () => `Timed out after ${timeoutMs} ms waiting for update ${updateId} to be confirmed (offset ${this.confirmed}).\n${this.describeCalls()}`);
  }

  /** Re-checks `check` on every state change until it returns something other than undefined. */
  waitFor<T>(check: () => T | undefined, timeoutMs: number, explain: () => string): Promise<T> {
    const hit = check();
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise<T>((resolve, reject) => {
      const watcher = () => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(explain()));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
      };
      this.watchers.add(watcher);
    });
  }

  describeCalls(last = 10): string {
    const lines = this.calls.slice(-last).map((c) => {
      const outcome = c.state === 'dropped' ? 'dropped' : !c.response ? c.state
        : c.response.ok ? 'ok' : `${c.response.error_code} ${c.response.description}`;
      return `  #${c.index} ${c.method} ${JSON.stringify(c.params).slice(0, 160)} -> ${outcome}`;
    });
    return `Recent API calls (${this.calls.length} total):\n${lines.join('\n') || '  (none)'}`;
  }

  // ---- internals shared with UserDriver ------------------------------------------------------

  /** @internal */ chatState(user: User, create: boolean): ChatState | undefined {
    let state = this.chats.get(user.id);
    if (!state && create) {
      const chat: Chat.PrivateChat = { id: user.id, type: 'private', first_name: user.first_name, last_name: user.last_name, username: user.username };
      state = { chat: JSON.parse(JSON.stringify(chat)) as Chat.PrivateChat, nextId: 1, messages: new Map(), replies: [] };
      this.chats.set(user.id, state);
    }
    return state;
  }

  /** @internal */ storeFile(bytes: Buffer, kind: StoredFile['kind'], meta: { name?: string; mimeType?: string } = {}): StoredFile {
    const n = ++this.fileSeq;
    const ext = kind === 'photo' ? (bytes[0] === 0x89 ? 'png' : 'jpg') : kind === 'sticker' ? 'webp' : extOf(meta.name ?? '');
    const file: StoredFile = {
      file_id: `${kind === 'photo' ? 'AgAC' : 'BQAC'}${randomBytes(30).toString('base64url')}`,
      file_unique_id: `AQAD${randomBytes(6).toString('base64url')}`,
      file_path: `${kind}s/file_${n}.${ext}`, bytes, kind, ...meta,
    };
    this.files.set(file.file_id, file);
    return file;
  }

  /** @internal */ file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  /** @internal */ photoOf(file: StoredFile): PhotoSize[] {
    return [{ file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, ...imageSize(file.bytes) }];
  }

  /** @internal */ documentOf(file: StoredFile): Document {
    const name = file.name ?? file.file_path.split('/').pop()!;
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_name: name, mime_type: file.mimeType ?? mimeOf(name), file_size: file.bytes.length };
  }

  /** @internal */ issueQuery(id: string): void {
    this.queries.set(id, { answered: false });
  }

  private changed(): void {
    for (const watcher of [...this.watchers]) watcher();
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) {
      const file = download[1] === this.token ? [...this.files.values()].find((f) => f.file_path === download[2]) : undefined;
      if (!file) return send(res, { ok: false, error_code: 404, description: 'Not Found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
      return void res.end(file.bytes);
    }
    const route = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!route) return send(res, { ok: false, error_code: 404, description: 'Not Found' });
    if (route[1] !== this.token) return send(res, { ok: false, error_code: 401, description: 'Unauthorized' });

    const { params, files } = await parseBody(req, url);
    const call: ApiCall = { index: this.calls.length, method: route[2]!, params, files, at: Date.now(), state: 'arrived' };
    this.calls.push(call);
    const key = call.method.toLowerCase();
    const hook = this.hooks.get(key);
    if (hook && (await hook(call)) === 'drop') {
      call.state = 'dropped';
      req.socket.destroy();
      return this.changed();
    }

    // A client that goes away mid-call (an aborted long poll) releases it; nothing is confirmed by that.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    let response: ApiResponse;
    try {
      const fault = this.faults.get(key)?.shift();
      if (fault) throw faultError(fault);
      const handler = this.methods[key];
      if (!handler) throw new TgError(404, 'Not Found: method not found');
      response = { ok: true, result: await handler(params, files, { call, signal: gone.signal }) };
    } catch (err) {
      response = errorBody(err);
    }
    call.state = 'answered';
    call.response = response;
    send(res, response);
    this.changed();
  }

  private readonly methods: Record<string, (p: Record<string, any>, files: Record<string, UploadedFile>, ctx: { call: ApiCall; signal: AbortSignal }) => unknown> = {
    getme: () => this.botInfo,
    // A ChatFullInfo; like Telegram, only for a chat the user opened ("chat not found" otherwise).
    getchat: (p) => ({ ...clone(this.chatOf(p).chat), accent_color_id: 0, max_reaction_count: 11 }),
    logout: () => true,
    close: () => true,
    getupdates: (p, _files, ctx) => this.getUpdates(p, ctx.call, ctx.signal),
    setwebhook: (p) => {
      const url = String(p.url ?? '');
      if (bool(p.drop_pending_updates)) this.queue = [];
      if (url === '') return !(this.webhook = undefined); // an empty url removes the webhook
      if (!/^https?:\/\/[^/]+/.test(url)) throw bad('bad webhook: An HTTPS URL must be provided for webhook');
      if (p.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(p.secret_token))) {
        throw bad('secret token contains unallowed characters');
      }
      if (p.allowed_updates) this.allowed = new Set(p.allowed_updates.length ? p.allowed_updates : ALL_UPDATES);
      this.webhook = { url, secret: p.secret_token === undefined ? undefined : String(p.secret_token) };
      this.poll?.finish(webhookConflict());
      void this.deliverWebhook();
      return true;
    },
    deletewebhook: (p) => {
      this.webhook = undefined;
      if (bool(p.drop_pending_updates)) this.queue = [];
      return true;
    },
    getwebhookinfo: () => ({
      url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length,
      ...(this.webhook?.lastError ? { last_error_date: this.webhook.lastError.date, last_error_message: this.webhook.lastError.message } : {}),
      ...(this.webhook ? { max_connections: 40, ip_address: '127.0.0.1' } : {}),
    }),
    sendmessage: (p) => {
      const chat = this.chatOf(p);
      const { text, entities } = this.formatted(p.text, p.parse_mode, p.entities, 'text');
      return this.botMessage(chat, p, { text, ...(entities.length ? { entities } : {}) });
    },
    sendphoto: (p, files) => {
      const chat = this.chatOf(p);
      const caption = this.caption(p);
      const photo = this.photoOf(this.inputFile(p, files, 'photo'));
      return this.botMessage(chat, p, { photo, ...caption });
    },
    senddocument: (p, files) => {
      const chat = this.chatOf(p);
      const caption = this.caption(p);
      const document = this.documentOf(this.inputFile(p, files, 'document'));
      return this.botMessage(chat, p, { document, ...caption });
    },
    sendchataction: (p) => {
      this.chatOf(p);
      if (!CHAT_ACTIONS.includes(String(p.action))) throw bad('wrong parameter action in request');
      return true;
    },
    editmessagetext: (p) => {
      const { chat, message } = this.editable(p);
      if (message.text === undefined) throw bad('there is no text in the message to edit');
      const { text, entities } = this.formatted(p.text, p.parse_mode, p.entities, 'text');
      const markup = this.markup(p.reply_markup);
      const next = { ...message, text, entities: entities.length ? entities : undefined, reply_markup: markup };
      return this.applyEdit(chat, message, next as Message);
    },
    editmessagemedia: (p, files) => {
      const { chat, message } = this.editable(p);
      const media = p.media as Record<string, any> | undefined;
      if (!media || typeof media !== 'object') throw bad('parameter "media" is required');
      if (media.type !== 'photo' || !message.photo) throw bad('the double edits photos into photos only');
      const ref = String(media.media ?? '');
      const upload = ref.startsWith('attach://') ? files[ref.slice('attach://'.length)] : undefined;
      const photo = this.photoOf(this.inputFile(upload ? {} : { photo: ref }, upload ? { photo: upload } : {}, 'photo'));
      const next = { ...message, photo, caption: undefined, caption_entities: undefined, ...this.caption(media), reply_markup: this.markup(p.reply_markup) };
      return this.applyEdit(chat, message, next as Message);
    },
    editmessagereplymarkup: (p) => {
      const { chat, message } = this.editable(p);
      return this.applyEdit(chat, message, { ...message, reply_markup: this.markup(p.reply_markup) } as Message);
    },
    deletemessage: (p) => {
      const chat = this.chatOf(p);
      if (!chat.messages.delete(num(p.message_id, 0))) throw bad('message to delete not found');
      return true;
    },
    answercallbackquery: (p) => {
      const query = this.queries.get(String(p.callback_query_id));
      if (!query || query.answered) throw bad('query is too old and response timeout expired or query ID is invalid');
      query.answered = true;
      return true;
    },
    setmycommands: (p) => {
      if (!Array.isArray(p.commands)) throw bad('parameter "commands" is required');
      for (const c of p.commands as BotCommand[]) {
        if (typeof c?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad('BOT_COMMAND_INVALID');
        if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      if ((p.scope?.type ?? 'default') === 'default' && !p.language_code) this.commands = p.commands;
      return true;
    },
    getfile: (p) => {
      const file = this.files.get(String(p.file_id));
      if (!file) throw bad('invalid file_id');
      if (file.bytes.length > 20 * 1024 * 1024) throw bad('file is too big');
      return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, file_path: file.file_path };
    },
  };

  // ---- updates -------------------------------------------------------------------------------

  private getUpdates(p: Record<string, any>, call: ApiCall, signal: AbortSignal): Update[] | Promise<Update[]> {
    if (this.webhook) throw webhookConflict();
    // Like Telegram, a newer getUpdates terminates the one still waiting (that one gets the 409).
    this.poll?.finish(new TgError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    const offset = num(p.offset, 0);
    if (offset > 0) {
      this.queue = this.queue.filter((u) => u.update_id >= offset);
      this.confirmed = Math.max(this.confirmed, offset);
    } else if (offset < 0) this.queue = this.queue.slice(offset);
    if (Array.isArray(p.allowed_updates)) this.allowed = new Set(p.allowed_updates.length ? p.allowed_updates : ALL_UPDATES);
    const limit = Math.min(100, Math.max(1, num(p.limit, 100)));
    const timeout = Math.max(0, num(p.timeout, 0));
    this.polls.push({ offset, limit, timeout, at: Date.now(), callIndex: call.index });
    call.state = 'polling';

    const batch = () => clone(this.queue.slice(0, limit));
    if (this.queue.length > 0 || timeout === 0) {
      this.changed();
      return batch();
    }
    const held = new Promise<Update[]>((resolve, reject) => {
      const finish = (result: Update[] | TgError) => {
        clearTimeout(timer);
        this.watchers.delete(onChange);
        if (this.poll === me) this.poll = undefined;
        if (result instanceof TgError) reject(result);
        else resolve(result);
      };
      const me: PendingPoll = { finish };
      const onChange = () => {
        if (this.queue.length > 0) finish(batch());
      };
      const timer = setTimeout(() => finish([]), timeout * 1000);
      signal.addEventListener('abort', () => finish([])); // updates stay queued: nothing was confirmed
      this.watchers.add(onChange);
      this.poll = me;
    });
    this.changed(); // after registering, so waiters see `updates.polling`
    return held;
  }

  private async deliverWebhook(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    const { attempts, backoffMs } = this.opts.webhookRetry ?? { attempts: 5, backoffMs: 50 };
    try {
      let failures = 0;
      while (this.webhook && !this.stopped && this.queue.length > 0) {
        const hook = this.webhook;
        const update = this.queue[0]!;
        const error = await postUpdate(hook.url, hook.secret, update);
        if (error) {
          hook.lastError = { date: now(), message: error };
          if (++failures < attempts) {
            await new Promise((r) => setTimeout(r, backoffMs * 2 ** (failures - 1)));
            continue;
          }
        }
        // Delivered, or given up on after `attempts` tries (Telegram eventually drops it too).
        failures = 0;
        this.queue = this.queue.filter((u) => u !== update);
        this.changed();
      }
    } finally {
      this.delivering = false;
    }
  }

  // ---- validation helpers --------------------------------------------------------------------

  private chatOf(p: Record<string, any>): ChatState {
    if (p.chat_id === undefined || p.chat_id === '') throw bad('chat_id is empty');
    const chat = this.chats.get(Number(p.chat_id));
    if (!chat) throw bad('chat not found');
    return chat;
  }

  /** Text after parse_mode, trimmed like Telegram, with its length limit checked in UTF-16 units. */
  private formatted(raw: unknown, parseMode: unknown, rawEntities: unknown, kind: 'text' | 'caption'): { text: string; entities: MessageEntity[] } {
    let text = raw === undefined || raw === null ? '' : String(raw);
    let entities: MessageEntity[] = Array.isArray(rawEntities) ? rawEntities : [];
    const mode = parseMode ? String(parseMode).toLowerCase() : '';
    if (mode === 'html') {
      try {
        ({ text, entities } = parseTelegramHtml(text, this.opts.strictAmpersand ?? true));
      } catch (err) {
        if (err instanceof HtmlParseError) throw bad(`can't parse entities: ${err.message}`);
        throw err;
      }
    } else if (mode !== '' && mode !== 'markdown' && mode !== 'markdownv2') {
      throw bad('unsupported parse_mode'); // Markdown modes are passed through unparsed
    }
    // tdlib's fix_formatted_text: rtrim whitespace; ltrim only ' ' and '\n', never into an entity.
    text = text.trimEnd();
    const firstEntity = Math.min(text.length, ...entities.map((e) => e.offset));
    let lead = 0;
    while (lead < firstEntity && (text[lead] === ' ' || text[lead] === '\n')) lead++;
    text = text.slice(lead);
    entities = entities
      .map((e) => ({ ...e, offset: e.offset - lead, length: Math.min(e.offset + e.length - lead, text.length) - (e.offset - lead) }))
      .filter((e) => e.length > 0);
    if (kind === 'text' && text.length === 0) throw bad('message text is empty');
    if (kind === 'text' && text.length > 4096) throw bad('message is too long');
    if (kind === 'caption' && text.length > 1024) throw bad('message caption is too long');
    return { text, entities };
  }

  private caption(p: Record<string, any>): { caption?: string; caption_entities?: MessageEntity[] } {
    const { text, entities } = this.formatted(p.caption, p.parse_mode, p.caption_entities, 'caption');
    return text ? { caption: text, ...(entities.length ? { caption_entities: entities } : {}) } : {};
  }

  /** Only inline keyboards become part of the Message; reply keyboards are accepted as-is. */
  private markup(raw: unknown): InlineKeyboardMarkup | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'object') throw bad("can't parse reply keyboard markup JSON object");
    if (!('inline_keyboard' in raw)) return undefined;
    const rows = (raw as { inline_keyboard: unknown }).inline_keyboard;
    if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    for (const button of rows.flat() as Record<string, unknown>[]) {
      if (typeof button?.text !== 'string' || button.text === '') throw bad(`can't parse inline keyboard button: Field "text" must be of type String`);
      if ('callback_data' in button) {
        const data = button.callback_data;
        if (typeof data !== 'string' || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64) throw bad('BUTTON_DATA_INVALID');
      } else if ('url' in button) {
        if (!/^(https?|tg):\/\/\S+$/.test(String(button.url))) throw bad('BUTTON_URL_INVALID');
      } else if (!Object.keys(button).some((k) => k !== 'text')) {
        throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      }
    }
    return rows.length > 0 ? clone({ inline_keyboard: rows }) : undefined;
  }

  private inputFile(p: Record<string, any>, files: Record<string, UploadedFile>, field: 'photo' | 'document'): StoredFile {
    const upload = files[field];
    if (upload) {
      if (upload.bytes.length === 0) throw bad('file must be non-empty');
      if (field === 'photo' && !isImage(upload.bytes)) throw bad('IMAGE_PROCESS_FAILED');
      if (field === 'photo') return this.storeFile(upload.bytes, field);
      // Telegram goes by the file name's extension, not grammY's generic octet-stream part type.
      const mimeType = upload.mimeType !== 'application/octet-stream' ? upload.mimeType : mimeOf(upload.filename);
      return this.storeFile(upload.bytes, field, { name: upload.filename, mimeType });
    }
    if (p[field] === undefined) throw bad(`there is no ${field} in the request`);
    const existing = this.files.get(String(p[field]));
    if (!existing || existing.kind !== field) throw bad('wrong file identifier/HTTP URL specified');
    return existing;
  }

  private botMessage(chat: ChatState, p: Record<string, any>, content: object): Message {
    const replyTo = num(p.reply_parameters?.message_id ?? p.reply_to_message_id, 0);
    const original = replyTo ? chat.messages.get(replyTo) : undefined;
    if (replyTo && !original && !(p.reply_parameters?.allow_sending_without_reply ?? p.allow_sending_without_reply)) {
      throw bad('message to be replied not found');
    }
    const reply_markup = this.markup(p.reply_markup);
    const message = {
      message_id: chat.nextId++, from: this.botUser(), chat: chat.chat, date: now(), ...content,
      ...(original ? { reply_to_message: { ...original, reply_to_message: undefined } } : {}),
      ...(reply_markup ? { reply_markup } : {}),
    } as Message;
    chat.messages.set(message.message_id, message);
    chat.replies.push(clone(message));
    return message;
  }

  private editable(p: Record<string, any>): { chat: ChatState; message: Message } {
    if (p.inline_message_id !== undefined) throw bad('inline messages are not supported by TelegramDouble');
    const chat = this.chatOf(p);
    const message = chat.messages.get(num(p.message_id, 0));
    if (!message) throw bad('message to edit not found');
    if (message.from?.id !== this.botInfo.id) throw bad("message can't be edited");
    return { chat, message };
  }

  private applyEdit(chat: ChatState, before: Message, after: Message): Message {
    const visible = (m: Message) => JSON.stringify([m.text, m.entities ?? [], m.caption, m.photo?.at(-1)?.file_unique_id, m.reply_markup ?? null]);
    if (visible(before) === visible(after)) throw bad(NOT_MODIFIED);
    const edited = JSON.parse(JSON.stringify({ ...after, edit_date: now() })) as Message; // drops undefined fields
    chat.messages.set(edited.message_id, edited);
    chat.replies.push(clone(edited));
    return edited;
  }

  private botUser(): User {
    return { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username };
  }
}

// ---- plumbing ------------------------------------------------------------------------------

function send(res: ServerResponse, body: ApiResponse): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(body.ok ? 200 : body.error_code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function errorBody(err: unknown): ApiResponse {
  if (!(err instanceof TgError)) return { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` };
  return { ok: false, error_code: err.code, description: err.message, ...(err.parameters ? { parameters: err.parameters } : {}) };
}

function faultError(fault: Fault): TgError {
  if (fault.status === 429) return new TgError(429, `Too Many Requests: retry after ${fault.retryAfter}`, { retry_after: fault.retryAfter });
  if (fault.status === 400) return new TgError(400, fault.description);
  return new TgError(fault.status, fault.status === 500 ? 'Internal Server Error' : 'Bad Gateway');
}

function webhookConflict(): TgError {
  return new TgError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
}

/** JSON, urlencoded or multipart (busboy) body plus query string, as Telegram accepts all of them. */
async function parseBody(req: IncomingMessage, url: URL): Promise<{ params: Record<string, any>; files: Record<string, UploadedFile> }> {
  const fields: Record<string, any> = Object.fromEntries(url.searchParams);
  const parts: Record<string, UploadedFile> = {};
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    await new Promise<void>((resolve, reject) => {
      const pending: Promise<void>[] = [];
      const bb = busboy({ headers: req.headers, defParamCharset: 'utf8' });
      bb.on('field', (name, value) => (fields[name] = value));
      bb.on('file', (name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        pending.push(new Promise((done) => stream.on('end', () => {
          parts[name] = { filename: info.filename ?? name, mimeType: info.mimeType, bytes: Buffer.concat(chunks) };
          done();
        })));
      });
      bb.on('close', () => void Promise.all(pending).then(() => resolve()));
      bb.on('error', reject);
      req.pipe(bb);
    });
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (type.startsWith('application/json') && body) {
      try {
        Object.assign(fields, JSON.parse(body));
      } catch {
        throw bad("can't parse JSON object");
      }
    }
    else if (type.startsWith('application/x-www-form-urlencoded')) Object.assign(fields, Object.fromEntries(new URLSearchParams(body)));
  }
  for (const key of JSON_FIELDS) {
    if (typeof fields[key] === 'string') {
      try {
        fields[key] = JSON.parse(fields[key]);
      } catch { /* Telegram would reject it; leave the string so validation reports it */ }
    }
  }
  // grammY sends `photo: "attach://<id>"` plus a part named <id>; index files by the parameter.
  const files: Record<string, UploadedFile> = {};
  for (const [name, file] of Object.entries(parts)) {
    const param = Object.keys(fields).find((k) => fields[k] === `attach://${name}`);
    files[param ?? name] = file;
  }
  return { params: fields, files };
}

async function postUpdate(url: string, secret: string | undefined, update: Update): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST', body: JSON.stringify(update), signal: AbortSignal.timeout(10_000),
      headers: { 'content-type': 'application/json', ...(secret ? { 'X-Telegram-Bot-Api-Secret-Token': secret } : {}) },
    });
    await res.arrayBuffer();
    return res.ok ? undefined : `Wrong response from the webhook: ${res.status} ${res.statusText}`;
  } catch (err) {
    return `Connection failed: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`;
  }
}

function isImage(b: Buffer): boolean {
  const png = b.length > 24 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return png || (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff);
}

/** Width/height from a PNG IHDR or a JPEG SOFn marker (0×0 if neither is found). */
function imageSize(b: Buffer): { width: number; height: number } {
  if (b[0] === 0x89 && b.length > 24) return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  for (let i = 2; i + 9 < b.length; ) {
    if (b[i] !== 0xff) break;
    const marker = b[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
    }
    i += 2 + b.readUInt16BE(i + 2);
  }
  return { width: 0, height: 0 };
}

function extOf(fileName: string): string {
  return /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase() ?? 'dat';
}

function mimeOf(fileName: string): string {
  return MIME[fileName.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}
