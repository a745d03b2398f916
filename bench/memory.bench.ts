/**
 * Memory leak check: the real bot process (BotProcess, as production starts it)
 * against the Telegram double, on embedded PGlite and on PostgreSQL
 * (BENCH_DATABASE_URL, default the local server). The rider sends 50 different
 * large files one after another, alternating a planned GPX route (150-250 km, a
 * point every 5-10 m, long climbs) and a FIT ride (3-5 h at 1 Hz with power, HR,
 * cadence, speed, altitude and GPS), each answered in full before the next: a
 * route is answered when its update is confirmed (the elevation photo and the
 * climbs table are sent by the handler), a ride when its analysis message
 * (sent by the analysis worker, with 🔄 Re-analyse) has also arrived.
 * The bot's RSS (/proc/<pid>/status) is read at idle after a restart (the first
 * start creates the database), after the first 5 files and after all of them
 * (settled: Node gives memory back some 20-45 s after the work), and its peak
 * (VmHWM); a preload answering SIGUSR2 tells what it is made of (V8 heap,
 * external memory). Target: RSS after 50 files − RSS after 5 ≤ +90 MB; the bench
 * exits 1 otherwise.
 *
 * BENCH_FILES (default 50), BENCH_DATABASES (default "pglite,postgres"),
 * BENCH_TRACE=1 prints every file and RSS sample to stderr.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BotProcess } from '../test/support/bot-process.ts';
import { createTestStorage } from '../test/support/database.ts';
import { syntheticRideFit } from '../test/support/fit-writer.ts';
import { random } from '../test/support/random.ts';
import { TelegramDouble, type ApiCall } from '../test/support/telegram.ts';
import { processMemory as status, type ProcessMemory as Status } from './measure.ts';
import { generateGpx } from './synthetic-gpx.ts';

const FILES = Number(process.env.BENCH_FILES ?? 50);
const FIRST = 5;
const TARGET_GROWTH_MB = 90;
const OWNER = 1001;
const DAY_MS = 86_400_000;
/** One file's whole answer, at most (a 5 h ride on a busy machine takes some seconds). */
const ANSWER_TIMEOUT_MS = 180_000;
const TRACE = process.env.BENCH_TRACE === '1';
const DATABASES = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',').map((s) => s.trim()) as ('pglite' | 'postgres')[];

// ---- the files ---------------------------------------------------------------------------------

interface Upload {
  kind: 'route' | 'ride';
  fileName: string;
  bytes: Uint8Array;
  /** What it is, for the trace: "203 km every 7.1 m" or "4.2 h". */
  label: string;
}

/** File i: even i a planned route, odd i a ride (one a day, the last yesterday), each from its own seed. */
function makeUpload(i: number, rides: number): Upload {
  const rand = random(1000 + i);
  if (i % 2 === 0) {
    const km = 150 + 100 * rand();
    const stepM = 5 + 5 * rand();
    const gpx = generateGpx(Math.round((km * 1000) / stepM), false, { seed: 1000 + i, stepM });
    return { kind: 'route', fileName: `route-${i + 1}.gpx`, bytes: Buffer.from(gpx), label: `${km.toFixed(0)} km every ${stepM.toFixed(1)} m` };
  }
  const ride = (i - 1) / 2; // 0 … rides-1, oldest first
  const hours = 3 + 2 * rand();
  const day = new Date(Date.now() - (rides - ride) * DAY_MS).toISOString().slice(0, 10);
  const start = new Date(`${day}T07:00:00Z`);
  start.setUTCMinutes(Math.floor(rand() * 90));
  const bytes = syntheticRideFit({ start, seconds: Math.round(hours * 3600), powerW: Math.round(140 + 40 * rand()), hrBpm: Math.round(130 + 20 * rand()), seed: 1000 + i });
  return { kind: 'ride', fileName: `ride-${i + 1}.fit`, bytes, label: `${hours.toFixed(1)} h` };
}

// ---- memory ------------------------------------------------------------------------------------

/** process.memoryUsage() inside the bot, in MB. */
interface Usage {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** What the bot's memory is made of at one point: as it was, and after a full GC (what is live). */
interface Probe {
  before: Usage;
  after: Usage;
  /** /proc status a second after that GC. */
  afterGc: Status;
}

/**
 * A preload (NODE_OPTIONS --require) that answers SIGUSR2 with one line on
 * stderr: process.memoryUsage(), then a full GC, then process.memoryUsage()
 * again. It tells heap (a leak of JS objects) from external memory (buffers,
 * WASM) and native memory (the rest of the anonymous RSS), and garbage from live
 * memory, with no inspector. The bench sends it only after the natural reading.
 */
const PROBE = `const gc = (require('v8').setFlagsFromString('--expose-gc'), require('vm').runInNewContext('gc'));
process.on('SIGUSR2', () => {
  const before = process.memoryUsage();
  gc();
  process.stderr.write('memory-probe ' + JSON.stringify({ before, after: process.memoryUsage() }) + '\\n');
});
`;

async function probe(bot: BotProcess): Promise<Probe | undefined> {
  const count = () => bot.stderr.split('memory-probe ').length;
  const before = count();
  bot.kill('SIGUSR2');
  for (let waited = 0; count() === before && waited < 10_000; waited += 50) await sleep(50);
  const line = bot.stderr.split('memory-probe ').at(-1)?.split('\n')[0];
  if (count() === before || !line) return undefined;
  await sleep(1_000); // V8 unmaps freed pages in the background
  const raw = JSON.parse(line) as Record<'before' | 'after', Record<keyof Usage, number>>;
  const toMb = (u: Record<keyof Usage, number>): Usage => {
    const mb = (x: number) => x / 1024 / 1024;
    return { heapUsed: mb(u.heapUsed), heapTotal: mb(u.heapTotal), external: mb(u.external), arrayBuffers: mb(u.arrayBuffers) };
  };
  return { before: toMb(raw.before), after: toMb(raw.after), afterGc: status(bot.pid!) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SAMPLE_MS = 3_000;
/** Settled: no new low (by 1 MB or more) for this long. */
const QUIET_MS = 15_000;
const IDLE_MAX_MS = 30_000;

/**
 * RSS once Node has given back what the work left: polled every 3 s, the lowest seen, done
 * once it has fallen (by 5 MB or more from the first sample) and made no new low for QUIET_MS,
 * or after maxMs. (V8 shrinks its heap in one step some 10-45 s after the work stops, so
 * "no new low for a while" alone would stop before it.)
 */
async function settled(pid: number, maxMs: number, label: string): Promise<Status & { waitedS: number }> {
  const started = Date.now();
  const first = status(pid);
  let low = first;
  let lowAt = started;
  for (;;) {
    const elapsed = Date.now() - started;
    if (elapsed >= maxMs || (low.rssMb <= first.rssMb - 5 && Date.now() - lowAt >= QUIET_MS)) break;
    await sleep(SAMPLE_MS);
    const now = status(pid);
    if (TRACE) console.error(`  [${label}] +${((Date.now() - started) / 1000).toFixed(0)} s: RSS ${now.rssMb.toFixed(1)} MB (anon ${now.anonMb.toFixed(1)}, file ${now.fileMb.toFixed(1)})`);
    if (now.rssMb <= low.rssMb - 1) lowAt = Date.now();
    if (now.rssMb < low.rssMb) low = now;
  }
  return { ...low, waitedS: (Date.now() - started) / 1000 };
}

// ---- one database ------------------------------------------------------------------------------

interface FileResult {
  kind: Upload['kind'];
  ms: number;
  /** The bot's calls for this file, in order: "sendChatAction(typing)", "sendPhoto", "sendMessage". */
  sent: string[];
  /** RSS right after the answer (not settled). */
  rssMb: number;
}

type Settled = Status & { waitedS: number; probe: Probe | undefined };

interface Result {
  kind: 'pglite' | 'postgres';
  /** The first start (it creates the database), 5 s after its first poll: not settled, for the notes. */
  firstStart: Status & { probe: Probe | undefined };
  idle: Settled;
  afterFirst: Settled;
  peakMb: number;
  afterAll: Settled;
  files: FileResult[];
  totalS: number;
}

const describeCall = (c: ApiCall) => (c.method === 'sendChatAction' ? `sendChatAction(${c.params.action})` : c.method);

async function measure(kind: 'pglite' | 'postgres', uploads: Upload[]): Promise<Result> {
  if (kind === 'postgres') process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  else delete process.env.TEST_DATABASE_URL;
  const storage = await createTestStorage();
  const tg = await TelegramDouble.start({ token: '424242:bench-token' });
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'coach-bench-'));
  const probeFile = path.join(cwd, 'memory-probe.cjs');
  await writeFile(probeFile, PROBE);
  const env = {
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_CHAT_ID: String(OWNER),
    TELEGRAM_API_ROOT: tg.apiRoot,
    DATA_DIR: storage.dataDir,
    HEALTH_PORT: '0',
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: `--require ${probeFile}`,
    ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
  };
  const running: BotProcess[] = [];
  const start = async () => {
    const polls = tg.polls.length;
    const bot = new BotProcess(env, cwd);
    running.push(bot);
    await tg.waitForPoll(() => tg.polls.length > polls, 120_000);
    return bot;
  };
  const stop = async (bot: BotProcess) => {
    bot.kill('SIGTERM');
    const exit = await bot.exited;
    if (exit.code !== 0) throw new Error(`the bot exited with ${exit.code ?? exit.signal}\n${bot.stderr}`);
  };
  const settle = async (bot: BotProcess, maxMs: number, label: string): Promise<Settled> => ({
    ...(await settled(bot.pid!, maxMs, label)),
    probe: await probe(bot),
  });
  try {
    // the first start creates the database; measured from a restart, as the bot runs most of its life
    const first = await start();
    await sleep(5_000);
    const firstStart = { ...status(first.pid!), probe: await probe(first) };
    await stop(first);

    const bot = await start();
    const pid = bot.pid!;
    const idle = await settle(bot, IDLE_MAX_MS, `${kind} idle`);
    const owner = tg.user({ id: OWNER, firstName: 'Ana' });

    const files: FileResult[] = [];
    let afterFirst: Settled | undefined;
    const runStarted = performance.now();
    let settling = 0;
    for (const [i, upload] of uploads.entries()) {
      const since = tg.mark();
      const started = performance.now();
      const updateId = owner.sendDocument({ fileName: upload.fileName, bytes: upload.bytes });
      // the handler is done once the bot's next poll confirms the update (grammY polls again only after it)
      await tg.waitForConfirmed(updateId, ANSWER_TIMEOUT_MS);
      if (upload.kind === 'ride') {
        // the analysis follows from the worker, as its own message with 🔄 Re-analyse
        await tg.waitForCall('sendMessage', (c) => JSON.stringify(c.params.reply_markup ?? '').includes('an:r:'), { since, timeoutMs: ANSWER_TIMEOUT_MS });
      }
      const ms = performance.now() - started;
      const calls = tg.calls.slice(since).filter((c) => c.method !== 'getUpdates');
      const photo = calls.find((c) => c.method === 'sendPhoto');
      const failed = calls.find((c) => c.response && !c.response.ok);
      if (!photo || failed || /Already saved as route|I already have this ride/.test(String(photo.params.caption))) {
        const texts = calls.map((c) => `${describeCall(c)}: ${String(c.params.text ?? c.params.caption ?? '').slice(0, 200)}`).join('\n');
        const errors = bot.logs().filter((e) => Number(e.level) >= 50).map((e) => JSON.stringify(e).slice(0, 2000));
        throw new Error(`${upload.fileName}: not the full answer expected\n${texts}\nbot errors:\n${errors.join('\n')}\n${bot.stderr}`);
      }
      files.push({ kind: upload.kind, ms, sent: calls.map(describeCall), rssMb: status(pid).rssMb });
      if (TRACE) console.error(`${kind} ${upload.fileName} (${upload.label}): ${ms.toFixed(0)} ms, RSS ${status(pid).rssMb.toFixed(0)} MB; ${calls.map(describeCall).join(', ')}`);
      if (i + 1 === FIRST) {
        const t = performance.now();
        afterFirst = await settle(bot, 60_000, `${kind} after ${FIRST}`);
        settling += performance.now() - t;
      }
    }
    const totalS = (performance.now() - runStarted - settling) / 1000;
    const peakMb = status(pid).hwmMb;
    const afterAll = await settle(bot, 90_000, `${kind} after ${uploads.length}`);
    await stop(bot);
    return { kind, firstStart, idle, afterFirst: afterFirst!, peakMb, afterAll, files, totalS };
  } finally {
    await Promise.all(running.map((b) => b.dispose()));
    await tg.stop();
    await storage.cleanup();
    await rm(cwd, { recursive: true, force: true });
  }
}

// ---- the run -----------------------------------------------------------------------------------

if (FILES <= FIRST) throw new Error(`BENCH_FILES must be more than ${FIRST}`);
const benchStarted = performance.now();
const uploads = Array.from({ length: FILES }, (_, i) => makeUpload(i, Math.floor(FILES / 2)));
const generatedS = (performance.now() - benchStarted) / 1000;
const results: Result[] = [];
for (const kind of DATABASES) {
  for (let attempt = 1; ; attempt++) {
    try {
      results.push(await measure(kind, uploads));
      break;
    } catch (error) {
      // dist/ rebuilt under the running bot (another build on this machine) takes away chunks it has not loaded yet
      if (attempt === 3 || !String(error).includes('ERR_MODULE_NOT_FOUND')) throw error;
      console.error(`${kind}: dist/ changed under the running bot (${String(error).match(/Cannot find module '[^']+'/)?.[0]}); starting over`);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const mb = (x: number) => `${x.toFixed(0)} MB`;
const signedMb = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(0)} MB`;
const label = (kind: Result['kind']) => (kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL');
let failures = 0;

/** A reading that a full GC would still lower by 20 MB or more held garbage V8 had not collected yet: said in the cell. */
const settledMb = (x: Settled) => {
  const garbage = x.probe ? x.rssMb - x.probe.afterGc.rssMb : 0;
  return `${mb(x.rssMb)}${garbage >= 20 ? ` (${mb(garbage)} of it gone after a full GC)` : ''}`;
};
console.log(`| database | files | RSS idle at start | after first ${FIRST} (settled) | peak (VmHWM) | after ${FILES} (settled) | growth (after ${FILES} − after ${FIRST}) | target | result |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const growth = r.afterAll.rssMb - r.afterFirst.rssMb;
  const pass = growth <= TARGET_GROWTH_MB;
  if (!pass) failures++;
  console.log(
    `| ${label(r.kind)} | ${r.files.length} | ${settledMb(r.idle)} | ${settledMb(r.afterFirst)} | ${mb(r.peakMb)} | ${settledMb(r.afterAll)} | ${signedMb(growth)} | ≤ +${TARGET_GROWTH_MB} MB | ${pass ? 'pass' : 'FAIL'} |`,
  );
}

console.log(`\n| database | GPX route: median / worst | FIT ride (card + analysis): median / worst | all files: mean | the ${FILES} files, end to end |`);
console.log('|---|---|---|---|---|');
for (const r of results) {
  const of = (kind: Upload['kind']) => r.files.filter((f) => f.kind === kind).map((f) => f.ms);
  const cell = (xs: number[]) => `${(median(xs) / 1000).toFixed(1)} s / ${(Math.max(...xs) / 1000).toFixed(1)} s`;
  const mean = r.files.reduce((sum, f) => sum + f.ms, 0) / r.files.length;
  console.log(`| ${label(r.kind)} | ${cell(of('route'))} | ${cell(of('ride'))} | ${(mean / 1000).toFixed(1)} s | ${r.totalS.toFixed(0)} s |`);
}

// what grows: the same points after a full GC in the bot (diagnostic, not the target)
const live = (x: Settled) => x.probe;
console.log(`\nAfter a full GC in the bot (live memory; taken after each reading above, diagnostic only):\n`);
console.log(`| database | point | RSS | anon | V8 heap used | external (of which array buffers) | native ≈ anon − heap total − external |`);
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  const points: [string, Settled][] = [['idle', r.idle], [`after ${FIRST}`, r.afterFirst], [`after ${r.files.length}`, r.afterAll]];
  for (const [name, x] of points) {
    const p = live(x);
    if (!p) {
      console.log(`| ${label(r.kind)} | ${name} | n/a | | | | |`);
      continue;
    }
    const native = p.afterGc.anonMb - p.after.heapTotal - p.after.external;
    console.log(
      `| ${label(r.kind)} | ${name} | ${mb(p.afterGc.rssMb)} | ${mb(p.afterGc.anonMb)} | ${mb(p.after.heapUsed)} (before the GC ${mb(p.before.heapUsed)}) | ${mb(p.after.external)} (${mb(p.after.arrayBuffers)}) | ${mb(native)} |`,
    );
  }
  const [a5, a50] = [live(r.afterFirst), live(r.afterAll)];
  if (a5 && a50) {
    console.log(
      `| ${label(r.kind)} | growth ${FIRST} → ${r.files.length} | ${signedMb(a50.afterGc.rssMb - a5.afterGc.rssMb)} | ${signedMb(a50.afterGc.anonMb - a5.afterGc.anonMb)} | ${signedMb(a50.after.heapUsed - a5.after.heapUsed)} | ${signedMb(a50.after.external - a5.after.external)} | ${signedMb(a50.afterGc.anonMb - a50.after.heapTotal - a50.after.external - (a5.afterGc.anonMb - a5.after.heapTotal - a5.after.external))} |`,
    );
  }
}
console.log('\n"native" is the anonymous RSS outside the V8 heap and external memory (malloc: Skia, glibc arenas); approximate (a WASM memory counts in external in full, but only its touched pages are resident).');
console.log('\nRSS right after every 10th answer (not settled): a leak climbs steadily, a warm-up levels off.');
for (const r of results) {
  const marks = r.files.map((f, i) => [i + 1, f.rssMb] as const).filter(([n]) => n % 10 === 0 || n === FIRST);
  console.log(`- ${label(r.kind)}: ${marks.map(([n, x]) => `${n}: ${mb(x)}`).join(' · ')}`);
}
const first = results.map((r) => {
  const p = r.firstStart.probe;
  return `${label(r.kind)} ${mb(r.firstStart.rssMb)}${p ? ` (external ${mb(p.before.external)}; after a full GC ${mb(p.afterGc.rssMb)})` : ''}`;
});
console.log(`\nFirst start (creates the database), 5 s after its first poll: ${first.join('; ')}.`);

const answers = new Map<string, number>();
for (const f of results[0]?.files ?? []) {
  const key = `${f.kind}: ${f.sent.join(' → ')}`;
  answers.set(key, (answers.get(key) ?? 0) + 1);
}
console.log('\nWhat the bot sent per file (its API calls, first database):');
for (const [key, n] of answers) console.log(`- ${n} × ${key}`);

const sizes = (kind: Upload['kind']) => uploads.filter((u) => u.kind === kind).map((u) => u.bytes.length / 1024 / 1024);
console.log(
  `\nfiles: ${sizes('route').length} GPX routes (150-250 km, a point every 5-10 m, ${Math.min(...sizes('route')).toFixed(1)}-${Math.max(...sizes('route')).toFixed(1)} MB) ` +
    `and ${sizes('ride').length} FIT rides (3-5 h at 1 Hz, ${Math.min(...sizes('ride')).toFixed(1)}-${Math.max(...sizes('ride')).toFixed(1)} MB), alternating, generated in ${generatedS.toFixed(0)} s; ` +
    `idle is measured on a restart (the first start creates the database); settled = lowest RSS, polled every ${SAMPLE_MS / 1000} s until it has fallen and made no new low for ${QUIET_MS / 1000} s (at most ${IDLE_MAX_MS / 1000}/60/90 s); ` +
    `whole bench ${((performance.now() - benchStarted) / 1000).toFixed(0)} s; node ${process.version}, ${os.cpus().length} cores`,
);
process.exit(failures === 0 ? 0 : 1);
