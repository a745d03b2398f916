import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/bot/commands.ts';
import { startHarness, OWNER_ID, STRANGER_ID, type Harness } from '../support/app.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

/** Row counts of every table: what "writes nothing" is checked against. */
async function tableCounts(): Promise<Record<string, number>> {
  const result = await h.app.database.db.execute(sql`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`);
  const counts: Record<string, number> = {};
  for (const { table_name } of (result as unknown as { rows: { table_name: string }[] }).rows) {
    const r = await h.app.database.db.execute(sql.raw(`select count(*)::int as n from "${table_name}"`));
    counts[table_name] = (r as unknown as { rows: { n: number }[] }).rows[0]!.n;
  }
  return counts;
}

describe('the bot in the owner chat', () => {
  it('sets the command menu from the /help table, for the owner chat only', async () => {
    const call = await h.tg.waitForCall('setMyCommands');
    expect(call.params.commands).toEqual(COMMANDS.map(({ command, description }) => ({ command, description })));
    expect(call.params.scope).toEqual({ type: 'chat', chat_id: OWNER_ID });
  });

  it('answers /start with a greeting and what is configured', async () => {
    h.owner.send('/start');
    const reply = await h.owner.nextReply();
    expect(reply.text).toContain('Hi Ana!');
    expect(reply.text).toContain('Garmin Connect: off');
    expect(reply.text).toContain('built-in coach');
  });

  it('answers /help with every command', async () => {
    h.owner.send('/help');
    const reply = await h.owner.nextReply();
    for (const { command, description } of COMMANDS) expect(reply.text).toContain(`/${command} — ${description}`);
  });

  it('answers /status with the database, data folder, versions and last sync', async () => {
    h.owner.send('/status');
    const reply = await h.owner.nextReply();
    const kind = h.storage.kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL';
    expect(reply.text).toContain(kind);
    expect(reply.text).toContain(h.storage.dataDir);
    expect(reply.text).toMatch(/Version: 0\.1\.0 \(Node v20\.\d+\.\d+, grammY 1\.\d+\.\d+\)/);
    expect(reply.text).toContain('Sync: off');
    expect(reply.text).toContain('Time zone: Europe/Ljubljana');
  });

  it('takes plain text as a question for the coach, and points an unknown command at /help', async () => {
    h.owner.send('what is my FTP?');
    expect((await h.owner.nextReply()).text).toContain('FTP 200 W');
    h.owner.send('/frobnicate');
    expect((await h.owner.nextReply()).text).toContain('/help');
  });

  it('keeps serving through a 429 with retry_after and a 502 from Telegram', async () => {
    h.tg.fail('sendMessage', { status: 429, retryAfter: 1 });
    h.tg.fail('sendMessage', { status: 502 });
    h.owner.send('/help');
    const reply = await h.owner.nextReply({ timeoutMs: 15_000 });
    expect(reply.text).toContain('/status');
  });

  it('answers a failing handler with one sentence and a reference that is in the log', async () => {
    await h.app.database.db.execute(sql`alter table ai_calls rename to ai_calls_away`);
    try {
      const updateId = h.owner.send('/status');
      const reply = await h.owner.nextReply();
      const ref = /reference ([0-9A-F]{6})/.exec(reply.text ?? '')?.[1];
      expect(reply.text).toMatch(/^Sorry, something went wrong on my side/);
      expect(ref).toBeDefined();
      const logged = h.logs.entries().find((e) => e.ref === ref);
      expect(logged).toMatchObject({ msg: 'handler failed', update_id: updateId, level: 50 });
      // the failed update is still recorded, so a re-delivery does not fail again
      await h.tg.waitForConfirmed(updateId);
    } finally {
      await h.app.database.db.execute(sql`alter table ai_calls_away rename to ai_calls`);
    }
  });
});

describe('a stranger', () => {
  it('gets no reply to messages, commands, documents, edits or button presses, and nothing is written', async () => {
    const before = await tableCounts();
    const since = h.tg.mark();
    const ids = [
      h.stranger.send('/start'),
      h.stranger.send('/status'),
      h.stranger.send('hello?'),
      h.stranger.sendDocument({ fileName: 'ride.fit', bytes: new Uint8Array([1, 2, 3]) }),
      h.stranger.sendPhoto(Buffer.from('89504e470d0a1a0a', 'hex')),
    ];
    ids.push(h.stranger.editMessage(h.tg.update(ids[2]!)!.message!.message_id, 'edited'));
    ids.push(
      h.tg.injectUpdate({
        callback_query: {
          id: '99000001',
          from: { id: STRANGER_ID, is_bot: false, first_name: 'Mallory' },
          chat_instance: '-1',
          data: 'approve:1',
          message: { message_id: 1, date: 0, chat: { id: STRANGER_ID, type: 'private', first_name: 'Mallory' } },
        },
      } as never),
    );
    for (const id of ids) await h.tg.waitForConfirmed(id, 10_000);
    // the owner is still served, after all of the above
    const ownerUpdate = h.owner.send('/help');
    await h.owner.nextReply();
    await h.tg.waitForConfirmed(ownerUpdate);
    const calls = h.tg.calls.slice(since).filter((c) => c.method !== 'getUpdates');
    expect(calls.map((c) => [c.method, c.params.chat_id])).toEqual([['sendMessage', OWNER_ID]]);
    const after = await tableCounts();
    expect(after).toEqual({ ...before, processed_updates: before.processed_updates! + 1 });
    expect(h.stranger.messages()).toEqual([]);
  });
});

describe('/health', () => {
  it('answers 200 with every part', async () => {
    const res = await fetch(h.healthUrl);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe('ok');
    expect(body.checks.database).toMatchObject({ ok: true, kind: h.storage.kind });
    expect(body.checks.storage).toMatchObject({ ok: true, data_dir: h.storage.dataDir });
    expect(body.checks.telegram.ok).toBe(true);
    expect(body.sources).toMatchObject({ garmin: { configured: false, state: 'off' }, files: { configured: true, state: 'ok' } });
  });

  it('answers 503 naming Telegram when the last poll failed, and recovers', async () => {
    h.tg.fail('getUpdates', { status: 502 }, 1);
    h.owner.send('/help'); // ends the current long poll, so the next one meets the fault
    await h.owner.nextReply();
    await h.tg.waitFor(() => h.tg.calls.find((c) => c.method === 'getUpdates' && c.response?.ok === false), 10_000, () => 'no failed poll');
    const failing = await fetch(h.healthUrl);
    expect(failing.status).toBe(503);
    expect(await failing.json()).toMatchObject({ status: 'failing', failing: ['telegram'] });
    // auto-retry polls again; once a poll succeeds, health is back
    h.owner.send('/help');
    await h.owner.nextReply({ timeoutMs: 15_000 });
    expect((await fetch(h.healthUrl)).status).toBe(200);
  });

  it('says 404 for anything else', async () => {
    expect((await fetch(h.healthUrl.replace('/health', '/nope'))).status).toBe(404);
  });
});

describe('the log', () => {
  it('carries the update id on every handled update and never the token', async () => {
    const handled = h.logs.entries().filter((e) => e.update_id !== undefined);
    expect(handled.length).toBeGreaterThan(0);
    const secret = h.tg.token.split(':')[1]!;
    expect(h.logs.text).not.toContain(secret);
  });
});

describe('/profile', () => {
  it('shows defaults while values are unset, and says so', async () => {
    h.owner.send('/profile');
    const reply = (await h.owner.nextReply()).text ?? '';
    expect(reply).toContain('FTP: not set, using 200 W');
    expect(reply).toContain('Time zone: not set, using Europe/Ljubljana');
    expect(reply).toContain('Threshold HR (LTHR): not set');
  });

  it('sets values with /profile key value and shows them back', async () => {
    for (const [command, answer] of [
      ['/profile ftp 265', 'FTP set to 265 W.'],
      ['/profile weight 72,5', 'Rider weight set to 72.5 kg.'],
      ['/profile chainrings 50/34', 'Chainrings set to 50/34.'],
      ['/profile cassette 11-32', 'Cassette set to 11-32 (11,12,13,14,16,18,20,22,25,28,32).'],
      ['/profile wheel 2096', 'Wheel circumference set to 2096 mm.'],
      ['/profile tz America/Denver', 'Time zone set to America/Denver.'],
    ] as const) {
      h.owner.send(command);
      expect((await h.owner.nextReply()).text).toBe(answer);
    }
    h.owner.send('/profile');
    const reply = (await h.owner.nextReply()).text ?? '';
    expect(reply).toContain('FTP: 265 W');
    expect(reply).toContain('Rider weight: 72.5 kg');
    expect(reply).toContain('Bike weight: not set, using 9 kg');
  });

  it('shows /status times in the time zone the rider set, not the server config', async () => {
    h.owner.send('/status');
    expect((await h.owner.nextReply()).text).toContain('Time zone: America/Denver');
  });

  it('refuses an implausible value or unknown key with one sentence, and keeps the old value', async () => {
    h.owner.send('/profile ftp 2650');
    expect((await h.owner.nextReply()).text).toBe('FTP should be a whole number between 50 and 600 W.');
    h.owner.send('/profile cassette 11-99');
    expect((await h.owner.nextReply()).text).toMatch(/^I don't know which sprockets a 11-99 cassette has/);
    h.owner.send('/profile colour red');
    expect((await h.owner.nextReply()).text).toMatch(/^I don't know "colour". You can set: ftp, weight/);
    h.owner.send('/profile');
    expect((await h.owner.nextReply()).text).toContain('FTP: 265 W');
  });

  it('asks for a value when its button is tapped; the next text answers, a bad one is asked again', async () => {
    h.owner.send('/profile');
    const shown = await h.owner.nextReply();
    const buttons = shown.reply_markup!.inline_keyboard.flat();
    expect(buttons).toHaveLength(11);
    expect(buttons[0]).toMatchObject({ text: 'FTP', callback_data: 'pf:a:ftp' });
    expect(buttons.every((b) => b.text.length <= 14)).toBe(true);
    h.owner.press(shown, 'pf:a:maxhr');
    expect((await h.owner.nextReply()).text).toBe('Max HR: send me the value, e.g. 188. /cancel leaves it as it is.');
    h.owner.send('about 190');
    expect((await h.owner.nextReply()).text).toBe('Max HR should be a whole number between 100 and 230 bpm. Send it again, or /cancel.');
    h.owner.send('191');
    expect((await h.owner.nextReply()).text).toBe('Max HR set to 191 bpm.');
    // answered: the next text is no answer any more, but a question for the coach
    h.owner.send('192');
    expect((await h.owner.nextReply()).text).toMatch(/^Free questions need the AI coach/);
    h.owner.send('/profile');
    expect((await h.owner.nextReply()).text).toContain('Max HR: 191 bpm');
  });

  it('/cancel drops an open question and changes nothing', async () => {
    h.owner.send('/profile');
    h.owner.press(await h.owner.nextReply(), 'pf:a:tz');
    expect((await h.owner.nextReply()).text).toBe('Time zone: send me the value, e.g. Europe/Berlin. /cancel leaves it as it is.');
    // a command in between is answered as usual, and the question stays open
    h.owner.send('/help');
    expect((await h.owner.nextReply()).text).toContain('/cancel');
    h.owner.send('/cancel');
    expect((await h.owner.nextReply()).text).toBe('OK, I stopped asking; nothing changed.');
    h.owner.send('Europe/Paris');
    expect((await h.owner.nextReply()).text).toMatch(/^Free questions need the AI coach/);
    h.owner.send('/cancel');
    expect((await h.owner.nextReply()).text).toBe('There is nothing to cancel.');
    h.owner.send('/status');
    expect((await h.owner.nextReply()).text).toContain('Time zone: America/Denver');
  });
});
