import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryFS, PGlite, type postgresMod } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_DIR } from '../paths.ts';
import { databaseOf, DatabaseBusy, type Database } from './client.ts';
import * as schema from './schema.ts';

/**
 * PGlite starts postgres with -F (fsync off) by default: a power cut could lose
 * the last commits or corrupt the data dir. We drop that flag so the embedded
 * database is as durable as a normal server on the same disk.
 *
 * Memory: postgres lives in a WASM heap that can grow but never shrink, so
 * whatever it touches once stays in the bot's RSS. Hence:
 * - shared_buffers 16MB (2048 pages) instead of initdb's 128MB, which PGlite
 *   allocates and zeroes up front. Our data's hot set fits; colder reads come
 *   from the OS page cache. One backend never pins anywhere near 2048 buffers,
 *   so "no unpinned buffers available" cannot happen (checked with sorts, joins
 *   and an index build on a 96MB table). Measured: restart RSS of the bot
 *   ~390MB -> ~260MB. wal_buffers follows it (1/32: 512kB).
 * - maintenance_work_mem 16MB instead of 64MB: caps what CREATE INDEX (our
 *   migrations) and VACUUM can add for good; a bigger build spills to a temp
 *   file instead. Measured: an index on 1M rows added ~60MB at 64MB, ~0 at 16MB,
 *   in the same time. work_mem stays at its 4MB default.
 */
const MEMORY_PARAMS = ['-c', 'shared_buffers=16MB', '-c', 'maintenance_work_mem=16MB'];
const PGLITE_PARAMS = [...PGlite.defaultStartParams.filter((p) => p !== '-F'), ...MEMORY_PARAMS];

type PostgresMod = postgresMod.PostgresMod;

/**
 * PGlite's NodeFS (our folder mounted as postgres' data dir), posing as a
 * MemoryFS, which matters on a first start only: PGlite then runs initdb (in a
 * second, throw-away WASM instance) straight into our folder, instead of into
 * memory followed by a tar dump and unpack of the whole data dir. Same files
 * (with initdb's 0600 modes, where the tar left 0666), same durability.
 * initdb also gets MEMORY_PARAMS (they land in postgresql.conf too): with 128MB
 * of shared_buffers its instance grows to ~190MB. Measured: first start peaks at
 * ~590MB instead of ~900MB. If a later PGlite drops the shortcut it still works,
 * through the tar. As initdb now writes the folder as it goes, see createPglite
 * for a first start killed half-way.
 */
class DiskFS extends MemoryFS {
  constructor(private readonly folder: string) {
    super();
  }

  override async init(pg: PGlite, options: Partial<PostgresMod>) {
    this.pg = pg;
    const mount = (mod: PostgresMod) => {
      mod.FS.mkdirTree(PGlite.paths.PGDATA);
      mod.FS.mount(mod.NODEFS, { root: this.folder }, PGlite.paths.PGDATA);
    };
    return { emscriptenOpts: { ...options, preRun: [...(options.preRun ?? []), mount] } };
  }

  /** As NodeFS does: closes the real files postgres still holds (MemoryFS has none to close). */
  override async closeFs() {
    this.pg!.Module.FS.quit();
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

/**
 * PGlite in the claimed folder `dir`. initdb writes PG_VERSION early, so a first
 * start killed during initdb would leave a folder that looks made but that
 * postgres cannot start from. A marker beside the folder lives while initdb
 * runs; finding it, we wipe the half-made folder and run initdb again.
 */
async function createPglite(dir: string): Promise<PGlite> {
  const unfinished = `${dir}.initdb`;
  const exists = (file: string) => access(file).then(() => true, () => false);
  if (await exists(unfinished)) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
  }
  const fresh = !(await exists(path.join(dir, 'PG_VERSION')));
  if (fresh) await writeFile(unfinished, '');
  const client = await PGlite.create({ fs: new DiskFS(dir), startParams: PGLITE_PARAMS, initDbStartParams: MEMORY_PARAMS });
  if (fresh) {
    await rm(unfinished, { force: true });
    // initdb's throw-away instance (~250 MB of WASM memory) is garbage now, but V8 keeps it until
    // allocation pressure an idle bot never makes: collect it now where the start command allows
    // (--expose-gc). Measured: idle RSS after a first start ~500 MB -> ~240 MB.
    (globalThis as { gc?: () => void }).gc?.();
  }
  return client;
}

/** The embedded database in `dir`; loaded by openDatabase only when there is no DATABASE_URL. */
export async function openPglite(dir: string, migrateFirst: boolean): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const release = await claimFolder(dir);
  let client: PGlite | undefined;
  try {
    client = await createPglite(dir);
    const db = drizzle(client, { schema });
    if (migrateFirst) await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    const opened = client;
    return databaseOf(db, 'pglite', dir, async () => {
      await opened.close();
      await release();
    });
  } catch (error) {
    await client?.close().catch(() => undefined);
    await release();
    throw error;
  }
}
