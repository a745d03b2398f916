/**
 * A first sync of a whole season: 400 rides over 365 days from the Garmin double
 * (the real garmin-connect library, a fresh login, each ride's zipped FIT), into
 * the rides pipeline on embedded PGlite, through the Telegram double. While it
 * runs, /status is sent every 250 ms and timed from the send to its answer: the
 * chat must stay responsive (target p95 < 300 ms).
 */
import { workouts } from '../src/db/schema.ts';
import { startHarness } from '../test/support/app.ts';
import { FakeGarmin } from '../test/support/fake-garmin.ts';
import { syntheticRideFit } from '../test/support/fit-writer.ts';
import { median, ms, worst } from './measure.ts';

const RIDES = Number(process.env.BENCH_SYNC_RIDES ?? 400);
const DAYS = 365;
const DAY_MS = 86_400_000;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

const garmin = await FakeGarmin.start({ username: 'bench@example.com', password: 'bench-password' });
const h = await startHarness({
  LOG_LEVEL: 'warn',
  GARMIN_USERNAME: 'bench@example.com',
  GARMIN_PASSWORD: 'bench-password',
  GARMIN_API_URL: garmin.urls.api,
  GARMIN_SSO_URL: garmin.urls.sso,
  GARMIN_OAUTH_CONSUMER_URL: garmin.urls.consumer,
  SYNC_BACKFILL_DAYS: String(DAYS),
});
try {
  await h.app.syncDesk!.idle(); // the start-up sync: logs in, finds nothing yet
  let fitBytes = 0;
  for (let i = 0; i < RIDES; i++) {
    const start = new Date(Math.floor((Date.now() - (DAYS - 1) * DAY_MS + (i * (DAYS - 1) * DAY_MS) / RIDES) / 1000) * 1000);
    const seconds = (45 + ((i * 37) % 120)) * 60; // 45 min to 2 h 45
    const file = syntheticRideFit({ start, seconds, powerW: 150 + ((i * 13) % 120), hrBpm: 135 + (i % 20) });
    fitBytes += file.length;
    garmin.addActivity({ startTime: start, name: `Ride ${i + 1}`, durationS: seconds, file });
  }
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);

  const probe = async (latencies: number[]) => {
    const before = h.owner.messages().at(-1)?.message_id ?? 0;
    const sent = performance.now();
    h.owner.send('/status');
    for (;;) {
      if (h.owner.messages().some((m) => m.message_id > before && m.text?.startsWith('Status'))) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(performance.now() - sent);
  };
  const idle: number[] = [];
  for (let i = 0; i < 20; i++) await probe(idle);

  const started = performance.now();
  h.owner.send('/sync');
  const latencies: number[] = [];
  await new Promise((r) => setTimeout(r, 200)); // the sync has begun
  while (h.app.syncDesk!.busy) {
    await probe(latencies);
    await new Promise((r) => setTimeout(r, 250));
  }
  await h.app.syncDesk!.idle();
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  const stored = await h.app.database.db.$count(workouts);
  if (stored !== RIDES) throw new Error(`stored ${stored} rides of ${RIDES}`);

  console.log('| measure | value |\n|---|---|');
  console.log(`| rides synced (FIT, ${mb(fitBytes)} in all) | ${stored} in ${(wallMs / 1000).toFixed(1)} s (${(wallMs / RIDES).toFixed(0)} ms per ride) |`);
  console.log(`| /status answered with no sync running (${idle.length} probes) | p50 ${ms(median(idle))}, p95 ${ms(percentile(idle, 0.95))} |`);
  console.log(`| /status answered during the sync (${latencies.length} probes) | p50 ${ms(median(latencies))}, p95 ${ms(percentile(latencies, 0.95))}, worst ${ms(worst(latencies))} |`);
  console.log(`| RSS before the sync -> peak during it | ${mb(rssBefore)} -> ${mb(rssPeak)} |`);
  console.log(`\npeak RSS of the bench process ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (PGlite, the doubles and the 400 files included)`);
} finally {
  await h.close();
  await garmin.stop();
}
