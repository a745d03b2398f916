import { desc } from 'drizzle-orm';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { syncLog } from '../db/schema.ts';
import type { AiService, AiUsage } from './ai.ts';

export interface SourceStatus {
  id: 'garmin' | 'intervals' | 'files';
  label: string;
  configured: boolean;
  /** How to turn it on, when it is off. */
  hint?: string;
}

export interface LastSync {
  source: string;
  status: string;
  at: Date;
  activitiesSynced: number;
  errorMessage: string | null;
}

export interface AppStatus {
  version: string;
  nodeVersion: string;
  grammyVersion: string;
  database: { kind: Database['kind']; location: string; serverVersion: string };
  dataDir: string;
  mode: 'polling' | 'webhook';
  sources: SourceStatus[];
  coach: { kind: 'ai'; model: string; baseUrl: string } | { kind: 'built-in' };
  lastSync: LastSync | undefined;
  /** AI calls this month (in the rider's zone) and the last failure. */
  aiUsage: AiUsage;
  startedAt: Date;
}

export function describeSources(config: Config): SourceStatus[] {
  return [
    {
      id: 'garmin',
      label: 'Garmin Connect',
      configured: config.garmin !== undefined,
      hint: 'set GARMIN_USERNAME and GARMIN_PASSWORD',
    },
    {
      id: 'intervals',
      label: 'intervals.icu',
      configured: config.intervals !== undefined,
      hint: 'set INTERVALS_API_KEY and INTERVALS_ATHLETE_ID',
    },
    { id: 'files', label: 'ride files you send here', configured: true },
  ];
}

export function describeCoach(config: Config): AppStatus['coach'] {
  return config.ai.apiKey ? { kind: 'ai', model: config.ai.model, baseUrl: config.ai.baseUrl } : { kind: 'built-in' };
}

export class StatusService {
  constructor(
    private readonly deps: {
      config: Config;
      database: Database;
      ai: AiService;
      versions: { app: string; grammy: string };
      startedAt: Date;
    },
  ) {}

  async collect(timeZone: string): Promise<AppStatus> {
    const { config, database, versions, startedAt } = this.deps;
    const [serverVersion, lastSync, aiUsage] = await Promise.all([database.serverVersion(), this.lastSync(), this.deps.ai.usage(timeZone)]);
    return {
      version: versions.app,
      nodeVersion: process.version,
      grammyVersion: versions.grammy,
      database: { kind: database.kind, location: database.location, serverVersion },
      dataDir: path.resolve(config.dataDir),
      mode: config.webhook ? 'webhook' : 'polling',
      sources: describeSources(config),
      coach: describeCoach(config),
      lastSync,
      aiUsage,
      startedAt,
    };
  }

  private async lastSync(): Promise<LastSync | undefined> {
    const [row] = await this.deps.database.db.select().from(syncLog).orderBy(desc(syncLog.startedAt)).limit(1);
    if (!row) return undefined;
    return {
      source: row.source,
      status: row.status,
      at: row.lastSyncTime ?? row.startedAt,
      activitiesSynced: row.activitiesSynced,
      errorMessage: row.errorMessage,
    };
  }
}
