import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data is, without credentials: a folder or host:port/database. */
  location: string;
  serverVersion(): Promise<string>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * PGlite starts postgres with -F (fsync off) by default: a power cut could lose
 * the last commits or corrupt the data dir. We drop that flag so the embedded
 * database is as durable as a normal server on the same disk.
 */
export const DURABLE_PGLITE_PARAMS = PGlite.defaultStartParams.filter((p) => p !== '-F');

export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string }): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(path.resolve(options.dataDir, 'pgdata'));
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 10_000 });
  // an idle client losing its server must not crash the process; queries report it
  pool.on('error', () => undefined);
  const db = drizzlePg(pool, { schema });
  try {
    await migratePg(db, { migrationsFolder });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const parsed = new URL(url);
  return wrap(db, 'postgres', `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`, () => pool.end());
}

async function openPglite(dir: string): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const client = await PGlite.create(dir, { startParams: DURABLE_PGLITE_PARAMS });
  const db = drizzlePglite(client, { schema });
  try {
    await migratePglite(db, { migrationsFolder });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return wrap(db, 'pglite', dir, () => client.close());
}

function wrap(drizzleDb: unknown, kind: Database['kind'], location: string, close: () => Promise<void>): Database {
  const db = drizzleDb as Db;
  return {
    db,
    kind,
    location,
    serverVersion: () => selectVersion(db),
    ping: async () => void (await db.execute(sql`select 1`)),
    close,
  };
}

async function selectVersion(db: Db): Promise<string> {
  const result = await db.execute<{ version: string }>(sql`select current_setting('server_version') as version`);
  const rows = (result as unknown as { rows: { version: string }[] }).rows;
  return rows[0]?.version ?? 'unknown';
}
