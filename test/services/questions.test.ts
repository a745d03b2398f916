import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { PendingQuestions, QUESTION_TTL_MS } from '../../src/services/questions.ts';
import { openTestDatabase } from '../support/database.ts';

let database: Database;
let close: () => Promise<void>;
let now = new Date('2026-06-01T08:00:00Z');
const clock = () => now;

beforeAll(async () => {
  ({ database, close } = await openTestDatabase());
});

afterAll(async () => close?.());

describe('PendingQuestions', () => {
  it('keeps one open question in the database: a restart still knows it, a new one replaces it', async () => {
    await new PendingQuestions(database.db, clock).ask({ kind: 'profile', subject: 'ftp' });
    const afterRestart = new PendingQuestions(database.db, clock);
    expect(await afterRestart.current()).toEqual({ kind: 'profile', subject: 'ftp' });
    await afterRestart.ask({ kind: 'profile', subject: 'tz' });
    expect(await afterRestart.current()).toEqual({ kind: 'profile', subject: 'tz' });
    expect(await afterRestart.clear()).toEqual({ kind: 'profile', subject: 'tz' });
    expect(await afterRestart.current()).toBeUndefined();
    expect(await afterRestart.clear()).toBeUndefined();
  });

  it(`forgets a question left unanswered for more than ${QUESTION_TTL_MS / 60_000} minutes`, async () => {
    const questions = new PendingQuestions(database.db, clock);
    await questions.ask({ kind: 'profile', subject: 'weight' });
    now = new Date(now.getTime() + QUESTION_TTL_MS);
    expect(await questions.current()).toEqual({ kind: 'profile', subject: 'weight' });
    now = new Date(now.getTime() + 1_000);
    expect(await questions.current()).toBeUndefined();
    expect(await questions.clear()).toBeUndefined();
  });
});
