import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bot, GrammyError, InlineKeyboard, InputFile } from 'grammy';
import type { Update } from 'grammy/types';
import { TelegramDouble, type UserDriver } from './telegram.ts';
import { parseTelegramHtml } from './telegram-html.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let tg: TelegramDouble;
let ana: UserDriver;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeEach(async () => {
  tg = await TelegramDouble.start({ token: '123456:TEST-token' });
  ana = tg.user({ id: 1001, firstName: 'Ana' });
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  await tg.stop();
});

/** Raw Bot API call, for what grammY would hide (status codes, concurrency). */
async function api(method: string, params: object = {}, init: RequestInit = {}) {
  const res = await fetch(`${tg.apiRoot}/bot${tg.token}/${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params), ...init,
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result?: any; error_code?: number; description?: string } };
}
const updateIds = (updates: Update[]) => updates.map((u) => u.update_id);

function newBot(): Bot {
  const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
  bot.catch((err) => console.error('bot error', err.error));
  return bot;
}

async function rejection(promise: Promise<unknown>): Promise<GrammyError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(GrammyError);
  return err as GrammyError;
}

describe('transport basics', () => {
  it('answers getMe, 401 for a wrong token and 404 for unknown methods', async () => {
    const bot = newBot();
    await bot.init();
    expect(bot.botInfo).toMatchObject({ id: 123456, is_bot: true, username: tg.botInfo.username, can_join_groups: true });
    const wrong = await fetch(`${tg.apiRoot}/bot123456:WRONG/getMe`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    expect(await api('sendDice')).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found: method not found' } });
    expect((await api('logOut')).body).toEqual({ ok: true, result: true });
  });
});

describe('getUpdates long polling', () => {
  it('re-delivers unconfirmed updates until an offset confirms them', async () => {
    const u1 = ana.send('/start');
    const u2 = ana.send('hello');
    const first = await api('getUpdates');
    expect(updateIds(first.body.result)).toEqual([u1, u2]);
    expect(first.body.result[0].message).toMatchObject({ text: '/start', chat: { id: 1001, type: 'private' }, entities: [{ type: 'bot_command', offset: 0, length: 6 }] });
    // Not confirmed yet: a restarted bot gets them again.
    expect(updateIds((await api('getUpdates', { offset: 0 })).body.result)).toEqual([u1, u2]);
    expect(updateIds((await api('getUpdates', { offset: u2, limit: 5 })).body.result)).toEqual([u2]);
    expect(tg.updates).toMatchObject({ offset: u2, pending: [u2] });
    expect((await api('getUpdates', { offset: u2 + 1 })).body.result).toEqual([]);
    expect(tg.updates.pending).toEqual([]);
    await expect(tg.waitForConfirmed(u2, 100)).resolves.toBe(true);
    await expect(tg.waitForPoll((p) => p.offset > u2, 100)).resolves.toMatchObject({ offset: u2 + 1 });
  });

  it('honours limit and allowed_updates', async () => {
    const ids = [ana.send('a'), ana.send('b'), ana.send('c')];
    expect(updateIds((await api('getUpdates', { limit: 2 })).body.result)).toEqual(ids.slice(0, 2));
    await api('getUpdates', { offset: ids[2]! + 1, allowed_updates: ['callback_query'] });
    ana.send('not wanted'); // the bot opted out of messages: Telegram never creates this update
    expect((await api('getUpdates')).body.result).toEqual([]);
    await api('getUpdates', { allowed_updates: [] }); // [] means the default set again
    const wanted = ana.send('wanted');
    expect(updateIds((await api('getUpdates')).body.result)).toEqual([wanted]);
  });

  it('holds an empty poll for the timeout, and answers as soon as an update arrives', async () => {
    let started = Date.now();
    expect((await api('getUpdates', { timeout: 1 })).body.result).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);

    started = Date.now();
    setTimeout(() => ana.send('wake up'), 100);
    const woke = await api('getUpdates', { timeout: 20 });
    expect(woke.body.result[0].message.text).toBe('wake up');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('terminates the older of two concurrent polls with 409', async () => {
    const older = api('getUpdates', { timeout: 10 });
    await tg.waitForPoll();
    expect(tg.updates.polling).toBe(true);
    const newer = await api('getUpdates', { timeout: 0 });
    expect(newer.status).toBe(200);
    expect(await older).toEqual({
      status: 409,
      body: { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' },
    });
  });

  it('releases a poll whose client disconnected, without losing updates', async () => {
    const abort = new AbortController();
    const poll = api('getUpdates', { timeout: 10 }, { signal: abort.signal }).catch((e: Error) => e);
    await tg.waitForPoll();
    abort.abort();
    expect(await poll).toBeInstanceOf(Error);
    await tg.waitFor(() => (tg.updates.polling ? undefined : true), 2000, () => 'poll was not released');
    const id = ana.send('after the disconnect');
    expect(updateIds((await api('getUpdates')).body.result)).toEqual([id]);
  });

  it('refuses getUpdates with 409 while a webhook is set', async () => {
    expect((await api('setWebhook', { url: 'http://127.0.0.1:9/hook' })).body.result).toBe(true);
    const res = await api('getUpdates');
    expect(res.status).toBe(409);
    expect(res.body.description).toBe("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    await api('deleteWebhook');
    expect((await api('getUpdates')).status).toBe(200);
  });

  it('lets a stranger send other update kinds (sticker, photo, edited_message)', async () => {
    const eve = tg.user({ id: 666, firstName: 'Eve', username: 'eve' });
    const hello = eve.send('hello');
    eve.sendSticker();
    eve.sendPhoto(PNG, 'look');
    eve.editMessage(tg.update(hello)!.message!.message_id, 'edited');
    const updates: Update[] = (await api('getUpdates')).body.result;
    expect(updates.map((u) => Object.keys(u)[1])).toEqual(['message', 'message', 'message', 'edited_message']);
    expect(updates[1]?.message?.sticker).toMatchObject({ type: 'regular', emoji: '👍' });
    expect(updates[2]?.message).toMatchObject({ caption: 'look', photo: [{ width: 1, height: 1 }], from: { id: 666, username: 'eve' } });
    expect(updates[3]?.edited_message).toMatchObject({ message_id: 1, text: 'edited', chat: { id: 666, type: 'private' } });
  });

  it("intercept 'drop' kills the call unanswered and leaves the update unconfirmed", async () => {
    const id = ana.send('/start');
    await api('getUpdates');
    const off = tg.intercept('getUpdates', (call) => (Number(call.params.offset) > id ? 'drop' : undefined));
    await expect(api('getUpdates', { offset: id + 1 })).rejects.toThrow();
    expect((await tg.waitForCall('getUpdates', (c) => c.state === 'dropped')).response).toBeUndefined();
    expect(tg.updates.pending).toEqual([id]);
    off();
    expect(updateIds((await api('getUpdates')).body.result)).toEqual([id]);
  });
});

describe('a grammY bot end to end', () => {
  it('replies, gets a button pressed, edits, and confirms on stop', async () => {
    const bot = newBot();
    bot.command('start', (ctx) => ctx.reply('<b>Hi</b> &amp; welcome', { parse_mode: 'HTML', reply_markup: new InlineKeyboard().text('Go', 'go') }));
    bot.callbackQuery('go', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'ok' });
      await ctx.editMessageText('Gone');
    });
    const running = bot.start({ timeout: 1 });
    cleanups.push(async () => {
      if (bot.isRunning()) await bot.stop();
      await running;
    });

    ana.send('/start');
    const reply = await ana.nextReply();
    expect(reply).toMatchObject({ text: 'Hi & welcome', entities: [{ type: 'bold', offset: 0, length: 2 }], from: { id: 123456, is_bot: true }, chat: { id: 1001 } });
    expect(reply.reply_markup?.inline_keyboard[0]?.[0]).toEqual({ text: 'Go', callback_data: 'go' });

    const pressed = ana.press(reply, 'go');
    const edited = await ana.nextReply();
    expect(edited).toMatchObject({ message_id: reply.message_id, text: 'Gone' });
    expect(edited.edit_date).toBeTypeOf('number');
    expect(edited.reply_markup).toBeUndefined(); // editMessageText without markup removes the keyboard
    expect(ana.messages().map((m) => m.text)).toEqual(['Gone']);
    expect(() => ana.press(edited, 'go')).toThrow(/no button/);

    const queryId = tg.update(pressed)!.callback_query!.id;
    expect((await tg.waitForCall('answerCallbackQuery')).params).toMatchObject({ callback_query_id: queryId, text: 'ok' });
    const again = await api('answerCallbackQuery', { callback_query_id: queryId });
    expect(again.body.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');

    await bot.stop();
    await running;
    expect(tg.updates.pending).toEqual([]);
    expect(tg.updates.offset).toBe(pressed + 1);
  });

  it('re-delivers the update to the next bot when the confirming poll was killed', async () => {
    const replies: string[] = [];
    const first = newBot();
    first.command('start', async (ctx) => {
      await ctx.reply('first');
      replies.push('first');
    });
    const u = ana.send('/start');
    const off = tg.intercept('getUpdates', (call) => (Number(call.params.offset) > u ? 'drop' : undefined));
    const running = first.start({ timeout: 1 });
    expect((await ana.nextReply()).text).toBe('first');
    await tg.waitForCall('getUpdates', (c) => c.state === 'dropped');
    await first.stop().catch(() => {}); // its confirming call is dropped too: a hard kill
    void running.catch(() => {});
    off();
    expect(tg.updates.pending).toEqual([u]);

    const second = newBot();
    second.command('start', (ctx) => ctx.reply('second'));
    const mark = tg.mark();
    const running2 = second.start({ timeout: 1 });
    expect((await ana.nextReply()).text).toBe('second');
    await tg.waitForCall('sendMessage', (c) => c.params.text === 'second', { since: mark });
    await tg.waitForConfirmed(u);
    await second.stop();
    await running2;
    expect(replies).toEqual(['first']);
  });
});

describe('files', () => {
  it('round-trips an uploaded photo through getFile and the download route', async () => {
    ana.send('hi');
    const bot = newBot();
    const sent = await bot.api.sendPhoto(1001, new InputFile(PNG, 'x.png'), { caption: '<i>Power</i> curve', parse_mode: 'HTML' });
    expect(sent.photo?.at(-1)).toMatchObject({ width: 1, height: 1, file_size: PNG.length });
    expect(sent).toMatchObject({ caption: 'Power curve', caption_entities: [{ type: 'italic', offset: 0, length: 5 }] });
    const call = await tg.waitForCall('sendPhoto');
    expect(call.files.photo).toMatchObject({ filename: 'x.png' });
    expect(call.params.caption).toBe('<i>Power</i> curve');

    const file = await bot.api.getFile(sent.photo!.at(-1)!.file_id);
    const res = await fetch(`${tg.apiRoot}/file/bot${tg.token}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await ana.download(file.file_id)).equals(PNG)).toBe(true);
    expect((await ana.nextReply()).photo).toEqual(sent.photo);

    // Re-sending by file_id works; bytes that are no image do not.
    await bot.api.sendPhoto(1001, file.file_id);
    const notImage = await rejection(bot.api.sendPhoto(1001, new InputFile(Buffer.from('hello'), 'x.png')));
    expect(notImage.description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
  });

  it('sends a document with its name and inline keyboard as multipart', async () => {
    ana.send('hi');
    const bot = newBot();
    const doc = await bot.api.sendDocument(1001, new InputFile(Buffer.from('a,b\n1,2\n'), 'plan.csv'), {
      reply_markup: new InlineKeyboard().text('Again', 'again'),
    });
    expect(doc.document).toMatchObject({ file_name: 'plan.csv', mime_type: 'text/csv', file_size: 8 });
    expect(doc.reply_markup?.inline_keyboard[0]?.[0]).toEqual({ text: 'Again', callback_data: 'again' });
    expect((await tg.waitForCall('sendDocument')).params.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Again', callback_data: 'again' }]] });
  });

  it("lets the bot download a rider's document, refusing files over 20 MB", async () => {
    const bytes = Buffer.from([0x0e, 0x10, 0x2e, 0x08, 1, 2, 3]);
    const id = ana.sendDocument({ fileName: 'ride.fit', mimeType: 'application/octet-stream', bytes, caption: 'today' });
    const bot = newBot();
    const [update] = await bot.api.getUpdates();
    expect(update?.update_id).toBe(id);
    expect(update?.message?.document).toMatchObject({ file_name: 'ride.fit', file_size: 7 });
    const file = await bot.api.getFile(update!.message!.document!.file_id);
    const res = await fetch(`${tg.apiRoot}/file/bot${tg.token}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);

    ana.sendDocument({ fileName: 'huge.fit', bytes: Buffer.alloc(20 * 1024 * 1024 + 1) });
    const [, big] = await bot.api.getUpdates({ offset: id });
    const tooBig = await rejection(bot.api.getFile(big!.message!.document!.file_id));
    expect(tooBig.description).toBe('Bad Request: file is too big');
  });
});

describe('validation like Telegram', () => {
  let bot: Bot;
  beforeEach(() => {
    bot = newBot();
    ana.send('hi');
  });
  const sendHtml = (text: string) => bot.api.sendMessage(1001, text, { parse_mode: 'HTML' });

  it('accepts Telegram HTML and returns text and entities as a rider sees them', async () => {
    const html = '<b>bold <i>both</i></b> <a href="https://x.io/?a=1&amp;b=2">link</a> <pre><code class="language-ts">x &lt; 1</code></pre>' +
      ' <span class="tg-spoiler">s</span> <blockquote expandable>q</blockquote> <u>u</u><s>s</s> &#128512;<i>&quot;</i>';
    const msg = await sendHtml(html);
    expect(msg.text).toBe('bold both link x < 1 s q us 😀"');
    expect(msg.entities).toEqual([
      { type: 'bold', offset: 0, length: 9 },
      { type: 'italic', offset: 5, length: 4 },
      { type: 'text_link', offset: 10, length: 4, url: 'https://x.io/?a=1&b=2' },
      { type: 'pre', offset: 15, length: 5, language: 'ts' },
      { type: 'spoiler', offset: 21, length: 1 },
      { type: 'expandable_blockquote', offset: 23, length: 1 },
      { type: 'underline', offset: 25, length: 1 },
      { type: 'strikethrough', offset: 26, length: 1 },
      { type: 'italic', offset: 30, length: 1 }, // the emoji before it is 2 UTF-16 units
    ]);
  });

  it.each([
    ['<foo>x</foo>', `can't parse entities: Unsupported start tag "foo" at byte offset 0`],
    ['é <b>x', `can't parse entities: Can't find end tag corresponding to start tag "b"`],
    ['<b><i>x</b></i>', `can't parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`],
    ['x</b>', "can't parse entities: Unexpected end tag at byte offset 1"],
    ['HR < 150', `can't parse entities: Unsupported start tag "" at byte offset 3`],
    ['ends with <', "can't parse entities: Unclosed start tag at byte offset 10"],
    ['Q&A', `can't parse entities: Unescaped "&" at byte offset 1`],
    ['<span>x</span>', `can't parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0`],
  ])('rejects %j with 400', async (html, reason) => {
    const err = await rejection(sendHtml(html));
    expect(err.error_code).toBe(400);
    expect(err.description).toBe(`Bad Request: ${reason}`);
  });

  it('reports byte offsets, not character offsets', () => {
    expect(() => parseTelegramHtml('éé<x>')).toThrow('Unsupported start tag "x" at byte offset 4');
  });

  it('counts the 4096/1024 limits in UTF-16 units after entity parsing', async () => {
    await sendHtml(`<b>${'x'.repeat(4096)}</b>`);
    await sendHtml('&amp;'.repeat(4096));
    await bot.api.sendMessage(1001, '😀'.repeat(2048));
    expect((await rejection(bot.api.sendMessage(1001, 'x'.repeat(4097)))).description).toBe('Bad Request: message is too long');
    expect((await rejection(bot.api.sendMessage(1001, '😀'.repeat(2049)))).description).toBe('Bad Request: message is too long');
    expect((await rejection(bot.api.sendMessage(1001, ' \n '))).description).toBe('Bad Request: message text is empty');
    expect((await rejection(sendHtml('<b></b>'))).description).toBe('Bad Request: message text is empty');
    expect((await bot.api.sendMessage(1001, `\n  hi \n${'\n'.repeat(5000)}`)).text).toBe('hi'); // trimmed before the limit

    await bot.api.sendPhoto(1001, new InputFile(PNG, 'a.png'), { caption: `<b>${'c'.repeat(1024)}</b>`, parse_mode: 'HTML' });
    const long = await rejection(bot.api.sendPhoto(1001, new InputFile(PNG, 'a.png'), { caption: 'c'.repeat(1025) }));
    expect(long.description).toBe('Bad Request: message caption is too long');
  });

  it('limits callback_data to 1..64 UTF-8 bytes and needs button text', async () => {
    await bot.api.sendMessage(1001, 'ok', { reply_markup: new InlineKeyboard().text('a', 'x'.repeat(64)) });
    for (const data of ['x'.repeat(65), 'é'.repeat(33), '']) {
      const err = await rejection(bot.api.sendMessage(1001, 'no', { reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: data }]] } }));
      expect(err.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    }
    const noText = await api('sendMessage', { chat_id: 1001, text: 'no', reply_markup: { inline_keyboard: [[{ callback_data: 'x' }]] } });
    expect(noText.status).toBe(400);
  });

  it('knows only chats a user wrote from, and refuses a no-op edit', async () => {
    expect((await rejection(bot.api.sendMessage(999, 'hi'))).description).toBe('Bad Request: chat not found');
    const kb = new InlineKeyboard().text('A', 'a');
    const msg = await bot.api.sendMessage(1001, 'v1', { reply_markup: kb });
    const same = await rejection(bot.api.editMessageText(1001, msg.message_id, 'v1', { reply_markup: kb }));
    expect(same.description).toBe('Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    await bot.api.editMessageText(1001, msg.message_id, 'v1'); // dropping the keyboard is a change
    await bot.api.editMessageReplyMarkup(1001, msg.message_id, { reply_markup: kb });
    expect((await rejection(bot.api.editMessageReplyMarkup(1001, msg.message_id, { reply_markup: kb }))).description).toMatch(/not modified/);
    await bot.api.deleteMessage(1001, msg.message_id);
    expect(ana.messages()).toEqual([]);
    expect((await rejection(bot.api.deleteMessage(1001, msg.message_id))).description).toBe('Bad Request: message to delete not found');
  });

  it('validates chat actions and bot commands', async () => {
    await bot.api.sendChatAction(1001, 'typing');
    expect((await api('sendChatAction', { chat_id: 1001, action: 'dancing' })).status).toBe(400);
    await bot.api.setMyCommands([{ command: 'plan', description: 'This week' }]);
    expect(tg.commands).toEqual([{ command: 'plan', description: 'This week' }]);
    for (const bad of [{ command: 'Plan', description: 'x' }, { command: 'x'.repeat(33), description: 'x' }, { command: 'plan', description: '' }]) {
      expect((await rejection(bot.api.setMyCommands([bad]))).error_code).toBe(400);
    }
  });
});

describe('faults and observation', () => {
  it('surfaces an injected 429 to grammY with retry_after, then recovers', async () => {
    ana.send('hi');
    const bot = newBot();
    tg.fail('sendMessage', { status: 429, retryAfter: 3 });
    const err = await rejection(bot.api.sendMessage(1001, 'x'));
    expect(err).toMatchObject({ error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    tg.fail('sendMessage', { status: 502 }, 2);
    expect((await rejection(bot.api.sendMessage(1001, 'x'))).error_code).toBe(502);
    expect((await rejection(bot.api.sendMessage(1001, 'x'))).error_code).toBe(502);
    expect((await bot.api.sendMessage(1001, 'x')).text).toBe('x');
  });

  it('waitForCall sees only calls after `since` and explains a timeout', async () => {
    ana.send('hi');
    const bot = newBot();
    await bot.api.sendMessage(1001, 'old');
    const mark = tg.mark();
    await expect(tg.waitForCall('sendMessage', undefined, { since: mark, timeoutMs: 200 }))
      .rejects.toThrow(/waiting for sendMessage[\s\S]*sendMessage \{"chat_id":1001,"text":"old"\} -> ok/);
    void bot.api.sendMessage(1001, 'new');
    expect((await tg.waitForCall('sendMessage', undefined, { since: mark })).params.text).toBe('new');
    await expect(ana.nextReply()).resolves.toMatchObject({ text: 'old' });
    await expect(ana.nextReply()).resolves.toMatchObject({ text: 'new' });
    await expect(ana.nextReply({ timeoutMs: 100 })).rejects.toThrow(/Ana \(chat 1001\) got no new bot message/);
  });
});

describe('webhooks', () => {
  let hook: Server;
  const received: { headers: IncomingHttpHeaders; update: Update }[] = [];
  let failures = 0;
  beforeEach(async () => {
    received.length = 0;
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, update: JSON.parse(Buffer.concat(chunks).toString()) as Update });
        res.writeHead(failures-- > 0 ? 500 : 200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  });
  afterEach(async () => {
    hook.closeAllConnections();
    await new Promise((r) => hook.close(r));
  });

  it('POSTs updates in order with the secret header, retrying a failed delivery', async () => {
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/tg`;
    failures = 1;
    expect((await api('setWebhook', { url, secret_token: 's3cret' })).body.result).toBe(true);
    const u1 = ana.send('one');
    const u2 = ana.send('two');
    await tg.waitForConfirmed(u2);
    expect(received.map((r) => r.update.update_id)).toEqual([u1, u1, u2]);
    expect(received.every((r) => r.headers['x-telegram-bot-api-secret-token'] === 's3cret')).toBe(true);
    expect(received[2]?.update.message?.text).toBe('two');
    const info = (await api('getWebhookInfo')).body.result;
    expect(info).toMatchObject({ url, pending_update_count: 0, last_error_message: 'Wrong response from the webhook: 500 Internal Server Error' });
    expect((await api('setWebhook', { url, secret_token: 'bad token!' })).status).toBe(400);
  });
});
