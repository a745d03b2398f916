import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { chatTurns } from '../../src/db/schema.ts';
import { AiClient } from '../../src/integrations/ai/client.ts';
import { createLogger } from '../../src/logger.ts';
import { AiService } from '../../src/services/ai.ts';
import { CoachChat } from '../../src/services/chat.ts';
import { CoachService } from '../../src/services/coach.ts';
import { ProfileService } from '../../src/services/profile.ts';
import { GoalService } from '../../src/services/goal.ts';
import { PlanBook } from '../../src/services/plans.ts';
import { PromptLibrary } from '../../src/services/prompts.ts';
import { Proposals } from '../../src/services/proposals.ts';
import { RideService } from '../../src/services/rides.ts';
import { RuleBook } from '../../src/services/rules.ts';
import { openTestDatabase } from '../support/database.ts';
import { FakeAi } from '../support/fake-ai.ts';
import { LogCapture } from '../support/logs.ts';

let database: Database;
let close: () => Promise<void>;
let fake: FakeAi;

/** The chat as a fresh process would build it: nothing shared with the one before but the database. */
function startChat(): CoachChat {
  const db = database.db;
  const profiles = new ProfileService(db, 'Europe/Ljubljana');
  const logger = createLogger({ level: 'silent', pretty: false, secrets: [], destination: new LogCapture() });
  const client = new AiClient({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, timeoutMs: 2_000 });
  const ai = new AiService({ db, prompts: new PromptLibrary(db), client, defaultModel: 'test/model', timeoutMs: 2_000, logger });
  const proposals = new Proposals(db);
  const rules = new RuleBook({ db, ai, proposals });
  return new CoachChat({ db, ai, coach: new CoachService({ db, rides: new RideService({ db, profiles }), profiles }), rules, plans: new PlanBook({ db, rules, goals: new GoalService(db), proposals }) });
}

beforeAll(async () => {
  ({ database, close } = await openTestDatabase());
  await new PromptLibrary(database.db).seed();
  fake = await FakeAi.start();
});

afterAll(async () => {
  await fake?.stop();
  await close?.();
});

describe('CoachChat', () => {
  it('answers a follow-up after a restart with the earlier turns', async () => {
    fake.enqueue({ kind: 'text', text: 'Ride 2 × 20 min at 240 W.' });
    expect(await startChat().answer('What should I ride on Saturday?')).toEqual({ text: 'Ride 2 × 20 min at 240 W.', author: 'ai' });
    fake.enqueue({ kind: 'text', text: 'Then 3 × 15 min.' });
    await startChat().answer('And if I only have an hour?');
    const messages = fake.requests[1]!.body.messages as { role: string; content: string }[];
    expect(messages.slice(1)).toEqual([
      { role: 'user', content: 'What should I ride on Saturday?' },
      { role: 'assistant', content: 'Ride 2 × 20 min at 240 W.' },
      { role: 'user', content: 'And if I only have an hour?' },
    ]);
  });

  it('keeps the last 200 turns', async () => {
    const filler = Array.from({ length: 250 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `turn ${i}` }));
    await database.db.insert(chatTurns).values(filler);
    fake.enqueue({ kind: 'text', text: 'Noted.' });
    await startChat().answer('One more?');
    const [{ turns } = { turns: 0 }] = await database.db.select({ turns: count() }).from(chatTurns);
    expect(turns).toBe(200);
  });
});
