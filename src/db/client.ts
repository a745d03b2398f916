import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Serialises writers of one kind of version history (plans, rules) until the
 * transaction ends, so two taps at once cannot both take version N+1.
 */
export async function lockHistory(tx: Tx, name: 'plans' | 'rules'): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${name}))`);
}

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data is, without credentials: a folder or host:port/database. */
  location: string;
  serverVersion(): Promise<string>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Apply pending migrations (default); `false` opens the database as it is, for a diagnosis. */
  migrate?: boolean;
}

/**
 * PostgreSQL when there is a URL, else the embedded PGlite in DATA_DIR/pgdata.
 * Each driver is loaded here on first use and only that one: PGlite (a WASM
 * postgres) costs tens of megabytes a bot on PostgreSQL never needs.
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const migrate = options.migrate ?? true;
  if (options.databaseUrl) return (await import('./postgres.ts')).openPostgres(options.databaseUrl, migrate);
  return (await import('./pglite.ts')).openPglite(path.resolve(options.dataDir, 'pgdata'), migrate);
}

/** The embedded database is in use by another live process (the bot, or a CLI command). */
export class DatabaseBusy extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`The embedded database in ${dir} is in use by another process (pid ${pid}): stop the bot first, or set DATABASE_URL to use PostgreSQL, which admits many.`);
  }
}

/** The driver-independent face of an open database. */
export function databaseOf(drizzleDb: unknown, kind: Database['kind'], location: string, close: () => Promise<void>): Database {
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
