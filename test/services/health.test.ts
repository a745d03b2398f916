import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramReachability } from '../../src/bot/api-monitor.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { sourceCatalog } from '../../src/integrations/sources.ts';
import { createLogger } from '../../src/logger.ts';
import { ProfileService } from '../../src/services/profile.ts';
import { RideService } from '../../src/services/rides.ts';
import { SyncService } from '../../src/services/sync.ts';
import { LogCapture } from '../support/logs.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { sourceState } from '../../src/db/schema.ts';
import { HealthService } from '../../src/services/health.ts';
import { openTestDatabase, type TestStorage } from '../support/database.ts';

let storage: TestStorage;
let database: Database;
let close: () => Promise<void>;
const reachable = { reachable: true, lastOkAt: new Date(), lastError: undefined };

beforeAll(async () => {
  ({ storage, database, close } = await openTestDatabase());
});

afterAll(async () => {
  await close?.();
});

function configWith(env: Record<string, string>) {
  return loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_CHAT_ID: '1', DATA_DIR: storage.dataDir, ...env });
}

function healthOf(config: Config, db: Database, telegram: () => TelegramReachability): HealthService {
  const logger = createLogger({ level: 'silent', pretty: false, secrets: [], destination: new LogCapture() });
  const sources = sourceCatalog(config, logger);
  const profiles = new ProfileService(db.db, 'UTC');
  const sync = new SyncService({ db: db.db, rides: new RideService({ db: db.db, profiles }), profiles, sources, backfillDays: 42, logger });
  return new HealthService({ config, database: db, telegram, sources, sync });
}

describe('HealthService', () => {
  it('names storage as failing when the data folder cannot be written', async () => {
    const blocker = path.join(storage.dataDir, 'a-file');
    await writeFile(blocker, 'x');
    const health = healthOf(configWith({ DATA_DIR: path.join(blocker, 'sub') }), database, () => reachable);
    const report = await health.report();
    expect(report.status).toBe('failing');
    expect(report.failing).toEqual(['storage']);
    expect(report.checks.storage.detail).toMatch(/ENOTDIR|EEXIST/);
  });

  it('reports a source in cooldown without failing the bot', async () => {
    await database.db.insert(sourceState).values({ source: 'garmin', cooldownUntil: new Date(Date.now() + 3_600_000), consecutiveFailures: 2, lastError: '429' });
    const health = healthOf(configWith({ GARMIN_USERNAME: 'a@b.c', GARMIN_PASSWORD: 'pw-pw-pw' }), database, () => reachable);
    const report = await health.report();
    expect(report.status).toBe('ok');
    expect(report.sources.garmin).toMatchObject({ configured: true, state: 'cooldown' });
    expect(report.sources.intervals).toEqual({ configured: false, state: 'off' });
  });

  it('names the database and Telegram when they fail', async () => {
    const telegram = () => ({ reachable: false, lastOkAt: undefined, lastError: { at: new Date(), method: 'getUpdates', description: 'ECONNREFUSED' } });
    const closed = await openDatabase({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir + '-other' });
    await closed.close();
    const report = await healthOf(configWith({}), closed, telegram).report();
    expect(report.failing).toEqual(['database', 'telegram']);
    expect(report.checks.telegram.detail).toBe('getUpdates: ECONNREFUSED');
  });
});
