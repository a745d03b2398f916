/**
 * What a question to the coach costs us, before any model thinks: three years of
 * rides (1,095) in the database, a question sent through the Telegram double,
 * timed to the answer. The AI side is the fake OpenAI-compatible server answering
 * at once, so the figure is our own work: the snapshot of the rider's numbers,
 * the prompt, the HTTP round trip, the usage row, the chat turns, the reply.
 */
import { sql } from 'drizzle-orm';
import { workouts } from '../src/db/schema.ts';
import { startHarness, type Harness } from '../test/support/app.ts';
import { FakeAi } from '../test/support/fake-ai.ts';
import { syntheticRideFit } from '../test/support/fit-writer.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const DAYS = 3 * 365;
const DAY_MS = 86_400_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** One real ride imported through the chat, then copied (metrics, no streams) onto every day of three years. */
async function fillRides(h: Harness): Promise<void> {
  h.owner.sendDocument({ fileName: 'seed.fit', bytes: syntheticRideFit({ start: new Date(Date.now() - DAY_MS), seconds: 5400, powerW: 210, hrBpm: 140 }) });
  await h.owner.nextReply({ timeoutMs: 30_000 });
  const db = h.app.database.db;
  await db.execute(sql`
    insert into ${workouts} (source, source_activity_id, type, start_time, duration_s, moving_s, distance_m, np_w, tss, metrics, analysis_status)
    select 'bench', 'bench-' || d, type, start_time - (d || ' days')::interval, duration_s, moving_s, distance_m, np_w, tss, metrics, 'done'
    from ${workouts}, generate_series(2, ${DAYS}) as d where source = 'upload'`);
}

async function timeQuestions(h: Harness, question: string): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const started = performance.now();
    h.owner.send(question);
    await h.owner.nextReply({ timeoutMs: 30_000 });
    if (run > 0) times.push(performance.now() - started); // run 0 warms up
  }
  return times;
}

const ai = await FakeAi.start();
ai.setDefault({ kind: 'text', text: 'Your form is fine: ride **2 × 20 min** at 230 W tomorrow.' });
const withKey = await startHarness({ LOG_LEVEL: 'warn', OPENROUTER_API_KEY: ai.apiKey, AI_BASE_URL: ai.baseUrl });
const builtIn = await startHarness({ LOG_LEVEL: 'warn' });
try {
  await fillRides(withKey);
  await fillRides(builtIn);
  const viaAi = await timeQuestions(withKey, 'Should I go hard tomorrow?');
  const promptChars = JSON.stringify(ai.requests.at(-1)!.body.messages).length;
  const viaBuiltIn = await timeQuestions(builtIn, 'How was my last ride?');
  console.log(`| question -> answer in the chat, ${DAYS.toLocaleString('en-US')} rides (${withKey.storage.kind}) | median | worst |`);
  console.log('|---|---|---|');
  console.log(`| AI coach (fake server answering at once: our own overhead) | ${median(viaAi).toFixed(0)} ms | ${Math.max(...viaAi).toFixed(0)} ms |`);
  console.log(`| built-in coach (ride review) | ${median(viaBuiltIn).toFixed(0)} ms | ${Math.max(...viaBuiltIn).toFixed(0)} ms |`);
  console.log(`\n${RUNS} runs after a warm-up; the AI request carried ${promptChars.toLocaleString('en-US')} characters of prompt and history.`);
} finally {
  await withKey.close();
  await builtIn.close();
  await ai.stop();
}
