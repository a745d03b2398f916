import { readFileSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { workouts } from '../../src/db/schema.ts';
import { ProcessedUpdates } from '../../src/services/updates.ts';
import { openTestDatabase, type TestStorage } from '../support/database.ts';

let storage: TestStorage;
let database: Database;

beforeAll(async () => {
  ({ storage, database } = await openTestDatabase());
});

afterAll(async () => {
  // this file re-opens the database, so it closes the current handle itself
  await database?.close();
  await storage?.cleanup();
});

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

describe(`database (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('applies the migrations: every table exists', async () => {
    const tables = await rows<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'analyses', 'plans', 'processed_updates', 'prompts', 'rider_profile', 'routes', 'rules', 'sections', 'source_state', 'sync_log', 'workouts',
      ]),
    );
  });

  it('runs with fsync on (PGlite defaults to off)', async () => {
    const [row] = await rows<{ fsync: string }>(sql`show fsync`);
    expect(row?.fsync).toBe('on');
  });

  it('re-opening an existing database re-applies nothing', async () => {
    await database.close();
    database = await openDatabase({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir });
    const applied = await rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const journal = JSON.parse(readFileSync(new URL('../../drizzle/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };
    expect(journal.entries.length).toBeGreaterThan(1);
    expect(applied[0]?.n).toBe(journal.entries.length);
  });

  it.skipIf(process.env.TEST_DATABASE_URL)('embedded: the memory settings hold, and a first start killed during initdb is redone', async () => {
    const settings = await rows<{ name: string; setting: string; unit: string }>(
      sql`select name, setting, unit from pg_settings where name in ('shared_buffers', 'maintenance_work_mem') order by name`,
    );
    expect(settings).toEqual([
      { name: 'maintenance_work_mem', setting: '16384', unit: 'kB' },
      { name: 'shared_buffers', setting: '2048', unit: '8kB' },
    ]);
    // what a kill during initdb leaves: a folder with PG_VERSION, half made, and the marker beside it
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'coach-initdb-'));
    const dir = path.join(dataDir, 'pgdata');
    await mkdir(path.join(dir, 'base'), { recursive: true });
    await writeFile(path.join(dir, 'PG_VERSION'), '17\n');
    await writeFile(`${dir}.initdb`, '');
    const reopened = await openDatabase({ dataDir });
    try {
      await reopened.ping();
      await expect(access(`${dir}.initdb`)).rejects.toThrow();
    } finally {
      await reopened.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects a second workout with the same source id (unique natural key)', async () => {
    const ride = { source: 'garmin', sourceActivityId: '42', type: 'cycling', startTime: new Date('2026-06-01T07:00:00Z') };
    await database.db.insert(workouts).values(ride);
    await expect(database.db.insert(workouts).values(ride)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: '23505' }),
    });
    const inserted = await database.db.insert(workouts).values(ride).onConflictDoNothing().returning();
    expect(inserted).toHaveLength(0);
  });

  it('allows one rider profile row only', async () => {
    await database.db.execute(sql`insert into rider_profile (id, ftp_w) values (1, 250)`);
    await expect(database.db.execute(sql`insert into rider_profile (id, ftp_w) values (2, 260)`)).rejects.toBeTruthy();
  });

  it('records handled updates once and prunes old ones', async () => {
    const updates = new ProcessedUpdates(database.db);
    expect(await updates.wasHandled(900)).toBe(false);
    await updates.markHandled(900);
    await updates.markHandled(900);
    expect(await updates.wasHandled(900)).toBe(true);
    await database.db.execute(sql`update processed_updates set processed_at = now() - interval '8 days' where update_id = 900`);
    await updates.prune();
    expect(await updates.wasHandled(900)).toBe(false);
  });
});
