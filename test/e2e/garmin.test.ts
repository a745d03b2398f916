import { stat } from 'node:fs/promises';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import type { Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { riderProfile, sourceState, workouts } from '../../src/db/schema.ts';
import { command, startHarness, until, type Harness } from '../support/app.ts';
import { FakeGarmin } from '../support/fake-garmin.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';

/**
 * Garmin Connect through the real garmin-connect library, against its double:
 * a login whose tokens outlive restarts, a lockout told once and respected,
 * tokens brought from elsewhere through the chat.
 */
const HOUR_MS = 3_600_000;
const USERNAME = 'rider@example.com';
const PASSWORD = 'correct horse battery staple';
const textOf = (m: Message | undefined) => m?.text ?? m?.caption ?? '';
const open: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.stop();
});

async function garminDouble(): Promise<FakeGarmin> {
  const garmin = await FakeGarmin.start({ username: USERNAME, password: PASSWORD });
  open.push(garmin);
  return garmin;
}

async function harness(garmin: FakeGarmin, env: Record<string, string> = {}, credentials = true): Promise<Harness> {
  const h = await startHarness(
    {
      GARMIN_API_URL: garmin.urls.api,
      GARMIN_SSO_URL: garmin.urls.sso,
      GARMIN_OAUTH_CONSUMER_URL: garmin.urls.consumer,
      SYNC_TIMEOUT_S: '3',
      ...(credentials ? { GARMIN_USERNAME: USERNAME, GARMIN_PASSWORD: PASSWORD } : {}),
      ...env,
    },
    () => undefined,
    { analysisWorker: false },
  );
  open.push({ stop: () => h.close() });
  return h;
}

function addRide(garmin: FakeGarmin, hoursAgo: number, name = `Ride ${hoursAgo} h ago`): number {
  const start = new Date(Math.floor((Date.now() - hoursAgo * HOUR_MS) / 1000) * 1000);
  return garmin.addActivity({ startTime: start, name, durationS: 1800, file: syntheticRideFit({ start, seconds: 1800, powerW: 210, hrBpm: 145 }) });
}



const rides = (h: Harness) => h.app.database.db.select().from(workouts).orderBy(asc(workouts.startTime));
const logins = (garmin: FakeGarmin) => garmin.requests.filter((r) => r.path.startsWith('/sso/')).length;

describe('sync from Garmin Connect', () => {
  it('logs in once, keeps the tokens private, reuses them after a restart, and offers its thresholds', async () => {
    const garmin = await garminDouble();
    addRide(garmin, 20, 'Morning ride');
    const h = await harness(garmin);
    await h.app.syncDesk!.idle();

    expect((await rides(h)).map((r) => [r.source, r.name])).toEqual([['garmin', 'Morning ride']]);
    expect(logins(garmin)).toBeGreaterThan(0);
    const dir = path.join(h.storage.dataDir, 'garmin');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const file of ['oauth1_token.json', 'oauth2_token.json']) expect((await stat(path.join(dir, file))).mode & 0o777).toBe(0o600);

    // its numbers differ from the (empty) profile: offered, never applied by themselves
    const offer = await until('the offer', () => h.owner.messages().find((m) => textOf(m).startsWith('Garmin has other numbers')));
    expect(textOf(offer)).toContain('FTP 245 W (yours: not set)');
    expect(await h.app.database.db.select().from(riderProfile)).toEqual([]);
    const accept = offer.reply_markup!.inline_keyboard[0]![0]!;
    expect(accept).toEqual({ text: 'Use these', callback_data: 'th:y:garmin:f245,m185,w83' });
    await h.tg.waitForConfirmed(h.owner.press(offer, 'th:y:garmin:f245,m185,w83'), 10_000);
    const [profile] = await h.app.database.db.select().from(riderProfile);
    expect(profile).toMatchObject({ ftpW: 245, maxHrBpm: 185, riderKg: 83 });

    const before = logins(garmin);
    await h.restart();
    addRide(garmin, 2, 'Evening ride');
    await command(h, '/sync');
    await h.app.syncDesk!.idle();
    expect(logins(garmin)).toBe(before);
    expect((await rides(h)).map((r) => r.name)).toEqual(['Morning ride', 'Evening ride']);
    // the same numbers are not offered again
    expect(h.owner.messages().filter((m) => textOf(m).startsWith('Garmin has other numbers'))).toHaveLength(1);
    expect(h.logs.text).not.toContain(PASSWORD);
  });

  it('a 429: one message, a stored cooldown, nothing sent to Garmin inside it — not by the clock, /sync or a restart', async () => {
    const garmin = await garminDouble();
    addRide(garmin, 5);
    garmin.fail('/activitylist-service/', { status: 429, body: '{"message":"Too Many Requests"}' }, 1);
    const h = await harness(garmin, { SYNC_CRON: '* * * * * *' });
    const notice = await until('the notice', () => h.owner.messages().find((m) => textOf(m).startsWith('Garmin rate-limited the account')));
    expect(textOf(notice)).toMatch(
      /^Garmin rate-limited the account \(activity list, HTTP 429\)\. Limits are per account, and asking again re-arms them\. I paused Garmin sync until .* and will not contact it before then\. Meanwhile: send the ride’s \.fit file here/,
    );
    const [state] = await h.app.database.db.select().from(sourceState).where(eq(sourceState.source, 'garmin'));
    expect(state!.cooldownUntil!.getTime() - Date.now()).toBeGreaterThan(1.9 * HOUR_MS);
    const asked = garmin.requests.length;

    await new Promise((r) => setTimeout(r, 2_500)); // cron ticks inside the pause
    expect((await command(h, '/sync')).map(textOf)).toEqual([expect.stringMatching(/^Garmin is paused until .*; \/garmin says why and what you can do\.$/)]);
    await h.restart();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(garmin.requests.length).toBe(asked);
    expect(h.owner.messages().filter((m) => textOf(m).startsWith('Garmin rate-limited the account'))).toHaveLength(1);
    const garminState = (await command(h, '/garmin')).map(textOf).join('\n');
    expect(garminState).toMatch(/Garmin: paused until .*last error: Garmin rate-limited the account/);
  });

  it('tokens made elsewhere: two files sent in the chat, their messages deleted, the pause lifted, rides synced', async () => {
    const garmin = await garminDouble();
    addRide(garmin, 6, 'Tempo');
    // no password: Garmin is off until tokens come
    const h = await harness(garmin, {}, false);
    await h.app.syncDesk!.idle();
    expect(garmin.requests).toEqual([]);
    expect((await command(h, '/garmin')).map(textOf).join('\n')).toMatch(/Tokens: none yet\.[\s\S]*oauth1_token\.json and oauth2_token\.json/);

    // a question for the coach meanwhile is just that
    expect((await command(h, 'what is my FTP?')).map(textOf).join('\n')).toContain('FTP');
    expect(h.tg.calls.filter((c) => c.method === 'deleteMessage')).toHaveLength(0);
    // a paste that is not a token: one sentence, the message deleted anyway, nothing saved
    const bad = await command(h, '{"hello": "not a token"}');
    expect(bad.map(textOf)).toEqual([expect.stringMatching(/Garmin/)]);
    expect(h.tg.calls.filter((c) => c.method === 'deleteMessage')).toHaveLength(1);

    const tokens = garmin.issueTokens();
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const first = h.owner.sendDocument({ fileName: 'oauth1_token.json', bytes: encode(tokens.oauth1) });
    await h.tg.waitForConfirmed(first, 10_000);
    const second = h.owner.sendDocument({ fileName: 'oauth2_token.json', bytes: encode(tokens.oauth2) });
    await h.tg.waitForConfirmed(second, 10_000);
    await h.app.syncDesk!.idle();
    const texts = h.owner.messages().map(textOf);
    expect(texts).toContain('Got one of the two token files; now send the other.');
    expect(texts.some((t) => t.startsWith('Sync done\nGarmin: 1 new activity.'))).toBe(true);
    // the documents are gone from the chat
    expect(h.tg.calls.filter((c) => c.method === 'deleteMessage')).toHaveLength(3);
    expect((await rides(h)).map((r) => r.name)).toEqual(['Tempo']);
    expect(logins(garmin)).toBe(0);
    expect(h.logs.text).not.toContain(tokens.oauth2.access_token);
    expect(h.logs.text).not.toContain(tokens.oauth1.oauth_token_secret);
  });
});
