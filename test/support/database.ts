import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.ts';

/**
 * Where a test's data lives. PGlite under a fresh temp folder by default; with
 * TEST_DATABASE_URL set, a fresh PostgreSQL database created for this test and
 * dropped afterwards (so runs never see each other's rows).
 */
export interface TestStorage {
  kind: 'pglite' | 'postgres';
  dataDir: string;
  databaseUrl: string | undefined;
  cleanup(): Promise<void>;
}

export async function createTestStorage(): Promise<TestStorage> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'coach-test-'));
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    return { kind: 'pglite', dataDir, databaseUrl: undefined, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const name = `coach_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    dataDir,
    databaseUrl: url.toString(),
    cleanup: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A migrated database on fresh test storage, for service-level tests. */
export async function openTestDatabase(): Promise<{ storage: TestStorage; database: Database; close(): Promise<void> }> {
  const storage = await createTestStorage();
  const database = await openDatabase({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir });
  return {
    storage,
    database,
    close: async () => {
      await database.close();
      await storage.cleanup();
    },
  };
}
