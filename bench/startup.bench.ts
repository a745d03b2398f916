/**
 * Start-up and idle memory of the bot as the README starts it (`npm start`),
 * against the Telegram double, beside a bare grammY bot started the same way:
 * on PostgreSQL (BENCH_DATABASE_URL, default the local server) and on embedded
 * PGlite, a first start (which creates the database) and a restart.
 *
 * Targets (issue #11): idle RSS 5 s after the first getUpdates ≤ 90 MB on
 * PostgreSQL and ≤ 320 MB on a PGlite restart; a restart on PostgreSQL within 2x
 * of the bare bot (PGlite compiles its WASM postgres at every start, some 0.4 s
 * of its own: reported, not held to it). Memory is the bot's own node process,
 * not npm's. Exit 1 on a miss.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { START_ARGS } from '../test/support/bot-process.ts';
import { createTestStorage } from '../test/support/database.ts';
import { TelegramDouble } from '../test/support/telegram.ts';
import { median, processMemory } from './measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IDLE_MS = 5_000;
const root = fileURLToPath(new URL('../', import.meta.url));
const TARGET = { postgresIdleMb: 90, pgliteRestartIdleMb: 320, restartVsBare: 2 };

/** The node process npm started (npm -> sh -> node): the descendant whose command line runs `script`. */
function botPid(npmPid: number, script: string): number | undefined {
  const queue = [npmPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (pid !== npmPid && cmdline[0]?.endsWith('node') && cmdline.some((arg) => arg.endsWith(script))) return pid;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    if (children) queue.push(...children.split(' ').map(Number));
  }
  return undefined;
}

interface Launch {
  ms: number;
  pid: number;
  npm: ChildProcess;
}

/** `npm start` in a folder whose package.json starts `command` (a folder of its own: no .env of ours leaks in). */
async function npmStart(tg: TelegramDouble, folder: string, command: string, env: Record<string, string>): Promise<Launch> {
  await writeFile(path.join(folder, 'package.json'), JSON.stringify({ private: true, scripts: { start: command } }));
  const polls = tg.polls.length;
  const started = performance.now();
  const npm = spawn('npm', ['start', '--silent'], { cwd: folder, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? folder, ...env }, stdio: 'ignore' });
  await tg.waitForPoll(() => tg.polls.length > polls, 120_000);
  const ms = performance.now() - started;
  const script = command.split(' ').at(-1)!;
  const pid = botPid(npm.pid!, script);
  if (pid === undefined) throw new Error(`no node process running ${script} under npm`);
  return { ms, pid, npm };
}

async function stop(launch: Launch): Promise<void> {
  const exited = new Promise((resolve) => launch.npm.once('exit', resolve));
  process.kill(launch.pid, 'SIGTERM');
  await exited;
}

interface Sample {
  ms: number;
  idleMb: number;
  peakMb: number;
}

/** Start, wait IDLE_MS, read the bot's memory, stop. */
async function sample(tg: TelegramDouble, folder: string, command: string, env: Record<string, string>): Promise<Sample> {
  const launch = await npmStart(tg, folder, command, env);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const memory = processMemory(launch.pid);
  const result = { ms: launch.ms, idleMb: memory.rssMb, peakMb: memory.hwmMb };
  await stop(launch);
  return result;
}

const start = ['node', ...START_ARGS].join(' '); // the start script with absolute paths
const bare = `node ${root}bench/bare-bot.mjs`;

async function measure(kind: 'bare' | 'postgres' | 'pglite'): Promise<{ first: Sample; restart: Sample }> {
  if (kind === 'postgres') process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  else delete process.env.TEST_DATABASE_URL;
  const storage = await createTestStorage();
  const tg = await TelegramDouble.start({ token: '424242:bench-token' });
  const folder = await mkdtemp(path.join(os.tmpdir(), 'coach-bench-'));
  const env = {
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_CHAT_ID: '1001',
    TELEGRAM_API_ROOT: tg.apiRoot,
    DATA_DIR: storage.dataDir,
    HEALTH_PORT: '0',
    LOG_LEVEL: 'warn',
    ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
  };
  try {
    const command = kind === 'bare' ? bare : start;
    const first = await sample(tg, folder, command, env);
    const restart = await sample(tg, folder, command, env);
    return { first, restart };
  } finally {
    await tg.stop();
    await storage.cleanup();
    await rm(folder, { recursive: true, force: true });
  }
}

const results = {} as Record<'bare' | 'postgres' | 'pglite', { first: Sample; restart: Sample }>;
for (const kind of ['bare', 'postgres', 'pglite'] as const) {
  const runs: { first: Sample; restart: Sample }[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(kind));
  const pick = (which: 'first' | 'restart', field: keyof Sample) => median(runs.map((r) => r[which][field]));
  results[kind] = {
    first: { ms: pick('first', 'ms'), idleMb: pick('first', 'idleMb'), peakMb: pick('first', 'peakMb') },
    restart: { ms: pick('restart', 'ms'), idleMb: pick('restart', 'idleMb'), peakMb: pick('restart', 'peakMb') },
  };
}

const label = { bare: 'bare grammY bot (baseline)', postgres: 'PostgreSQL', pglite: 'embedded PGlite' };
const mb = (x: number) => `${x.toFixed(0)} MB`;
console.log(`| \`npm start\` of | first start to first poll | peak RSS | restart to first poll | x bare | idle RSS ${IDLE_MS / 1000} s after |`);
console.log('|---|---|---|---|---|---|');
for (const kind of ['bare', 'postgres', 'pglite'] as const) {
  const { first, restart } = results[kind];
  const ratio = restart.ms / results.bare.restart.ms;
  console.log(`| ${label[kind]} | ${first.ms.toFixed(0)} ms | ${mb(first.peakMb)} | ${restart.ms.toFixed(0)} ms | ${ratio.toFixed(2)} | ${mb(restart.idleMb)} (first start ${mb(first.idleMb)}) |`);
}
console.log(`\nmedian of ${RUNS} runs each; RSS of the bot's node process (npm's own aside); node ${process.version}, ${os.cpus().length} cores`);

const misses = [
  results.postgres.restart.idleMb > TARGET.postgresIdleMb && `PostgreSQL idle RSS ${mb(results.postgres.restart.idleMb)} > ${TARGET.postgresIdleMb} MB`,
  results.pglite.restart.idleMb > TARGET.pgliteRestartIdleMb && `PGlite restart idle RSS ${mb(results.pglite.restart.idleMb)} > ${TARGET.pgliteRestartIdleMb} MB`,
  results.postgres.restart.ms > TARGET.restartVsBare * results.bare.restart.ms &&
    `PostgreSQL restart ${(results.postgres.restart.ms / results.bare.restart.ms).toFixed(2)}x the bare bot`,
].filter(Boolean);
console.log(misses.length === 0 ? 'targets met' : `targets missed: ${misses.join('; ')}`);
if (misses.length > 0) process.exitCode = 1;
