import { asc, eq } from 'drizzle-orm';
import type { Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { analyses, sourceState, syncItems, syncLog, workouts } from '../../src/db/schema.ts';
import { command, startHarness, until, type Harness } from '../support/app.ts';
import { FakeIntervals } from '../support/fake-intervals.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';

/**
 * Rides that arrive by themselves: intervals.icu (its double over real HTTP)
 * lists them, the sync stores each once, and the chat hears about it once.
 */
const HOUR_MS = 3_600_000;
const textOf = (m: Message | undefined) => m?.text ?? m?.caption ?? '';
const open: { stop(): Promise<void> }[] = [];
const after = async () => {
  for (const thing of open.splice(0).reverse()) await thing.stop();
};
afterEach(after);

async function intervals(): Promise<FakeIntervals> {
  const icu = await FakeIntervals.start();
  open.push(icu);
  return icu;
}

async function harness(icu: FakeIntervals, env: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness(
    { INTERVALS_API_KEY: icu.apiKey, INTERVALS_ATHLETE_ID: icu.athleteId, INTERVALS_API_URL: icu.baseUrl, SYNC_TIMEOUT_S: '2', ...env },
    () => undefined,
    { analysisWorker: false },
  );
  open.push({ stop: () => h.close() });
  return h;
}

/** A ride `hoursAgo` hours ago: `minutes` steady at `powerW`. */
function addRide(icu: FakeIntervals, hoursAgo: number, minutes = 45, powerW = 190, name = `Ride ${hoursAgo} h ago`): string {
  const start = new Date(Math.floor((Date.now() - hoursAgo * HOUR_MS) / 1000) * 1000);
  return icu.addActivity({ startTime: start, name, durationS: minutes * 60, file: syntheticRideFit({ start, seconds: minutes * 60, powerW, hrBpm: 140 }) });
}

const current = (h: Harness, m: Message | undefined) => textOf(h.owner.messages().find((x) => x.message_id === m?.message_id));

const rides = (h: Harness) => h.app.database.db.select().from(workouts).orderBy(asc(workouts.startTime));
const runs = (h: Harness) => h.app.database.db.select().from(syncLog).orderBy(asc(syncLog.id));


describe('sync from intervals.icu', () => {
  it('/sync: a status message edited in place, then each new ride as its own message, once', async () => {
    const icu = await intervals();
    const h = await harness(icu);
    // the first start syncs by itself (nothing there yet)
    await h.app.syncDesk!.idle();
    expect((await runs(h)).map((r) => [r.trigger, r.status, r.activitiesSynced])).toEqual([['start', 'ok', 0]]);

    addRide(icu, 5, 45, 200, 'Lunch loop');
    addRide(icu, 30, 60, 180, 'Easy spin');
    const edits: string[] = [];
    h.tg.intercept('editMessageText', (call) => void edits.push(String(call.params.text)));
    const answer = await command(h, '/sync');
    expect(textOf(answer[0])).toMatch(/Syncing intervals\.icu/);
    await h.app.syncDesk!.idle();
    expect(current(h, answer[0])).toBe('Sync done\nintervals.icu: 2 new activities.');
    expect(edits.some((t) => /intervals\.icu: \d of 2/.test(t))).toBe(true);

    const stored = await rides(h);
    expect(stored.map((r) => [r.source, r.name])).toEqual([
      ['intervals', 'Easy spin'],
      ['intervals', 'Lunch loop'],
    ]);
    // a card per ride, oldest first, and each queued for its analysis
    const cards = h.owner.messages().filter((m) => m.message_id > answer[0]!.message_id && m.photo);
    expect(cards.map((m) => textOf(m).split('\n')[0])).toEqual([expect.stringContaining('Easy spin'), expect.stringContaining('Lunch loop')]);
    expect(await h.app.database.db.select().from(analyses)).toHaveLength(2);

    const [run] = (await runs(h)).slice(-1);
    expect(run).toMatchObject({ source: 'intervals', trigger: 'command', status: 'ok', activitiesFound: 2, activitiesSynced: 2, activitiesPending: 0, errorMessage: null });

    // again: nothing new, nothing twice
    const again = await command(h, '/sync');
    await h.app.syncDesk!.idle();
    expect(current(h, again[0])).toBe('Sync done\nintervals.icu: nothing new.');
    expect(await rides(h)).toHaveLength(2);
  });

  it('a first sync of six weeks: one summary, fitness from all of them, only the last days analysed', async () => {
    const icu = await intervals();
    for (const hoursAgo of [24 * 40, 24 * 30, 24 * 20, 24 * 10, 24 * 5, 10]) addRide(icu, hoursAgo);
    icu.addActivity({ startTime: new Date(Date.now() - 24 * 50 * HOUR_MS), name: 'Too old', file: syntheticRideFit({ start: new Date(Date.now() - 24 * 50 * HOUR_MS), seconds: 600, powerW: 150 }) });
    icu.addActivity({ startTime: new Date(Date.now() - 24 * 3 * HOUR_MS), source: 'STRAVA' });
    const h = await harness(icu);
    await h.app.syncDesk!.idle();

    expect(await rides(h)).toHaveLength(6); // 50 days ago is outside SYNC_BACKFILL_DAYS (42)
    const summary = await until('the summary', () => h.owner.messages().find((m) => textOf(m).startsWith('📥')));
    expect(textOf(summary)).toMatch(/^📥 6 new activities: 6 rides, \d+ TSS in all\./);
    expect(h.owner.messages().filter((m) => m.photo)).toEqual([]); // no card per ride
    const queued = await h.app.database.db.select().from(analyses);
    const newest = (await rides(h)).at(-1)!;
    expect(queued.map((a) => a.workoutId)).toEqual([newest.id]);
    expect(textOf(summary)).toContain('The ride of the last two days is being analysed; /analyse N analyses any other.');
    // the Strava stub is kept as skipped with its reason, and the log says so
    const [stub] = await h.app.database.db.select().from(syncItems).where(eq(syncItems.status, 'skipped'));
    expect(stub?.lastError).toMatch(/Strava/);
    expect((await runs(h)).at(-1)?.errorMessage).toMatch(/^skipped \d+: intervals\.icu cannot share activities imported from Strava/);
  });

  it('two /sync at once and cron ticks every second: one run at a time, every ride stored and shown once', async () => {
    const icu = await intervals();
    const h = await harness(icu, { SYNC_CRON: '* * * * * *' });
    await h.app.syncDesk!.idle();
    for (const hoursAgo of [3, 6, 9]) addRide(icu, hoursAgo);
    // hold the first file so the run is still going when the second /sync and the ticks arrive
    icu.fail(/\/file$/, 'hang', 1);
    const before = h.owner.messages().at(-1)?.message_id ?? 0;
    h.owner.send('/sync');
    await h.tg.waitForConfirmed(h.owner.send('/sync'), 30_000);
    const answers = h.owner.messages().filter((m) => m.message_id > before).map(textOf);
    // a tick may have started the run before either /sync: then both are told it is running
    expect(answers).toHaveLength(2);
    for (const answer of answers) expect(answer).toMatch(/^(🔄|A sync is already running)/);
    expect(answers[1]).toMatch(/^A sync is already running/);
    await until('three rides', async () => ((await rides(h)).length === 3 ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 2_500)); // more ticks after the rides are in
    await h.app.syncDesk!.idle();
    expect(await rides(h)).toHaveLength(3);
    const all = await runs(h);
    expect(all.filter((r) => r.activitiesSynced > 0).reduce((n, r) => n + r.activitiesSynced, 0)).toBe(3);
    expect(all.some((r) => r.trigger === 'schedule')).toBe(true);
    const cards = h.owner.messages().filter((m) => m.photo);
    expect(cards).toHaveLength(3);
  });

  it('a timeout leaves the ride pending, the log says which, and the next run takes it', async () => {
    const icu = await intervals();
    const h = await harness(icu);
    await h.app.syncDesk!.idle();
    const slow = addRide(icu, 4, 30, 180, 'Slow one');
    icu.fail(`/activity/${slow}/file`, 'hang', 2);
    const answer = await command(h, '/sync');
    await h.app.syncDesk!.idle();
    expect(current(h, answer[0])).toMatch(/intervals\.icu: nothing new, 1 waits for the next run \(.*within 2 s\)/);
    const [run] = (await runs(h)).slice(-1);
    expect(run?.errorMessage).toMatch(new RegExp(`^pending ${slow} \\(Slow one\\): .*within 2 s`));
    expect(run?.activitiesPending).toBe(1);
    expect(await rides(h)).toHaveLength(0);
    // the status answers while a sync runs and says what waits
    expect((await command(h, '/status')).map(textOf).join('\n')).toMatch(/intervals\.icu: active; .*1 waiting/);

    // second hang for the next run's first try: still pending; then the third run gets it
    await command(h, '/sync');
    await h.app.syncDesk!.idle();
    await command(h, '/sync');
    await h.app.syncDesk!.idle();
    expect((await rides(h)).map((r) => r.name)).toEqual(['Slow one']);
    const [item] = await h.app.database.db.select().from(syncItems);
    expect(item).toMatchObject({ status: 'imported', attempts: 3, lastError: null });
  });

  it('a refused API key: one message, a stored pause, no request inside it — across a restart', async () => {
    const icu = await intervals();
    addRide(icu, 4);
    icu.fail('/activities', { status: 401, body: '{"status":401,"error":"Unauthorized"}' }, 1);
    const h = await harness(icu, { SYNC_CRON: '* * * * * *' });
    const notice = await until('the notice', () => h.owner.messages().find((m) => textOf(m).startsWith('intervals.icu refused')));
    expect(textOf(notice)).toMatch(/check INTERVALS_API_KEY.*\. I paused intervals\.icu sync until .* and will not contact it before then\. Restart me once \.env is fixed/);
    const [state] = await h.app.database.db.select().from(sourceState).where(eq(sourceState.source, 'intervals'));
    expect(state!.cooldownUntil!.getTime() - Date.now()).toBeGreaterThan(1.9 * HOUR_MS);
    const requests = icu.requests.length;
    await new Promise((r) => setTimeout(r, 2_500)); // ticks inside the pause
    expect(icu.requests.length).toBe(requests);

    const reply = await command(h, '/sync');
    expect(reply.map(textOf)).toEqual([expect.stringMatching(/^intervals\.icu is paused until .*; \/status says why\.$/)]);
    await h.restart();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(icu.requests.length).toBe(requests);
    expect(h.owner.messages().filter((m) => textOf(m).startsWith('intervals.icu refused'))).toHaveLength(1);
    const health = (await (await fetch(`http://127.0.0.1:${h.app.http!.port}/health`)).json()) as { status: string; sources: Record<string, { state: string }> };
    expect(health.status).toBe('ok');
    expect(health.sources.intervals?.state).toBe('cooldown');
  });
});
