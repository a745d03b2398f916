/**
 * What the rider waits for: an 8,000-point GPX document sent through the
 * Telegram double to the whole app (download, parse, analyse, store, chart,
 * reply), timed from the update being queued to the elevation photo and the
 * climbs table arriving. Fresh route each run (a new file, so no dedupe).
 */
import { startHarness } from '../test/support/app.ts';
import { generateGpx } from './synthetic-gpx.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const POINTS = 8_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const h = await startHarness({ LOG_LEVEL: 'warn' });
try {
  const toPhoto: number[] = [];
  const toAll: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    // a different name in metadata makes a different file: every run is a new route
    const gpx = generateGpx(POINTS, false).replace('<name>Bench ride</name>', `<name>Bench route ${run}</name>`);
    const started = performance.now();
    h.owner.sendDocument({ fileName: `route-${run}.gpx`, bytes: Buffer.from(gpx) });
    const photo = await h.owner.nextReply({ timeoutMs: 30_000 });
    const photoMs = performance.now() - started;
    if (!photo.photo) throw new Error(`expected the elevation photo, got: ${photo.text}`);
    await h.owner.nextReply({ timeoutMs: 30_000 }); // the climbs table
    const allMs = performance.now() - started;
    if (run === 0) continue; // warm-up: first chart render loads fonts
    toPhoto.push(photoMs);
    toAll.push(allMs);
  }
  console.log(`| ${POINTS.toLocaleString('en-US')}-point GPX route (${h.storage.kind}) | median | worst |`);
  console.log('|---|---|---|');
  console.log(`| document sent -> elevation photo with summary | ${median(toPhoto).toFixed(0)} ms | ${Math.max(...toPhoto).toFixed(0)} ms |`);
  console.log(`| document sent -> climbs table (whole answer) | ${median(toAll).toFixed(0)} ms | ${Math.max(...toAll).toFixed(0)} ms |`);
  console.log(`\n${RUNS} runs after a warm-up; target: answered in under 2 s (${median(toAll) < 2000 ? 'met' : 'MISSED'}).`);
} finally {
  await h.close();
}
