import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { MIGRATIONS_DIR } from '../paths.ts';
import { databaseOf, type Database } from './client.ts';
import * as schema from './schema.ts';

/** A PostgreSQL server (DATABASE_URL); loaded by openDatabase only when one is configured. */
export async function openPostgres(url: string, migrateFirst: boolean): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 10_000 });
  // an idle client losing its server must not crash the process; queries report it
  pool.on('error', () => undefined);
  const db = drizzle(pool, { schema });
  try {
    if (migrateFirst) await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const parsed = new URL(url);
  return databaseOf(db, 'postgres', `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`, () => pool.end());
}
