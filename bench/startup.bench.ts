/**
 * Cold start to first poll, and idle memory, of the real bot process (src/main.ts
 * as `npm start` runs it) against the Telegram double, on embedded PGlite and on
 * PostgreSQL (BENCH_DATABASE_URL, default the local server).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BotProcess } from '../test/support/bot-process.ts';
import { createTestStorage } from '../test/support/database.ts';
import { TelegramDouble } from '../test/support/telegram.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IDLE_MS = 5_000;

interface Sample {
  firstMs: number;
  restartMs: number;
  idleRssMb: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function timeToFirstPoll(tg: TelegramDouble, env: Record<string, string>, cwd: string): Promise<{ ms: number; bot: BotProcess }> {
  const polls = tg.polls.length;
  const started = performance.now();
  const bot = new BotProcess(env, cwd);
  await tg.waitForPoll(() => tg.polls.length > polls, 120_000);
  return { ms: performance.now() - started, bot };
}

async function measure(kind: 'pglite' | 'postgres'): Promise<Sample> {
  if (kind === 'postgres') process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  else delete process.env.TEST_DATABASE_URL;
  const storage = await createTestStorage();
  const tg = await TelegramDouble.start({ token: '424242:bench-token' });
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'coach-bench-'));
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
    const first = await timeToFirstPoll(tg, env, cwd);
    first.bot.kill('SIGTERM');
    await first.bot.exited;
    const second = await timeToFirstPoll(tg, env, cwd);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idleRssMb = rssMb(second.bot.pid!);
    second.bot.kill('SIGTERM');
    await second.bot.exited;
    return { firstMs: first.ms, restartMs: second.ms, idleRssMb };
  } finally {
    await tg.stop();
    await storage.cleanup();
    await rm(cwd, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`| database | first start to first poll (creates the database) | restart to first poll | idle RSS after ${IDLE_MS / 1000} s |`);
console.log('|---|---|---|---|');
for (const kind of ['pglite', 'postgres'] as const) {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await measure(kind));
  const label = kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL';
  console.log(
    `| ${label} | ${median(samples.map((s) => s.firstMs)).toFixed(0)} ms | ${median(samples.map((s) => s.restartMs)).toFixed(0)} ms | ${median(samples.map((s) => s.idleRssMb)).toFixed(0)} MB |`,
  );
}
console.log(`\nmedian of ${RUNS} runs each; node ${process.version}, ${os.cpus().length} cores`);
