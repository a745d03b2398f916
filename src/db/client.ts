import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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

/** The embedded database is in use by another live process (the bot, or a CLI command). */
export class DatabaseBusy extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`The embedded database in ${dir} is in use by another process (pid ${pid}): stop the bot first, or set DATABASE_URL to use PostgreSQL, which admits many.`);
  }
}

/**
 * PGlite admits one process: two opening the same folder would corrupt it. A
 * pid file claims it; a file left by a process that is gone (or by a container
 * whose pid we now have) is taken over.
 */
/** Folders this process holds: its own pid in a file is stale only when it is not one of these. */
const claimedHere = new Set<string>();

async function claimFolder(dir: string): Promise<() => Promise<void>> {
  const file = `${dir}.pid`; // beside the folder: PGlite wants the folder to itself
  if (claimedHere.has(file)) throw new DatabaseBusy(dir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      claimedHere.add(file);
      return async () => {
        claimedHere.delete(file);
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DatabaseBusy(dir, pid);
      await rm(file, { force: true });
    }
  }
  throw new Error(`cannot claim ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openPglite(dir: string): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const release = await claimFolder(dir);
  let client: PGlite | undefined;
  try {
    client = await PGlite.create(dir, { startParams: DURABLE_PGLITE_PARAMS });
    const db = drizzlePglite(client, { schema });
    await migratePglite(db, { migrationsFolder });
    const opened = client;
    return wrap(db, 'pglite', dir, async () => {
      await opened.close();
      await release();
    });
  } catch (error) {
    await client?.close().catch(() => undefined);
    await release();
    throw error;
  }
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
