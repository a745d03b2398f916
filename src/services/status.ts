import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { SourceId } from '../integrations/activity-source.ts';
import type { AiService, AiUsage } from './ai.ts';
import type { SourceHealth, SyncService } from './sync.ts';

export interface SourceStatus {
  id: 'garmin' | 'intervals' | 'files';
  label: string;
  configured: boolean;
  /** How to turn it on, when it is off. */
  hint?: string;
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
  /** Each source that is set up: paused, last success, last run. */
  sync: SourceHealth[];
  /** AI calls this month (in the rider's zone) and the last failure. */
  aiUsage: AiUsage;
  startedAt: Date;
}

/** `active`: the sources set up right now (Garmin also by tokens sent with /garmin); by the config alone when not given. */
export function describeSources(config: Config, active?: SourceId[]): SourceStatus[] {
  return [
    {
      id: 'garmin',
      label: 'Garmin Connect',
      configured: active ? active.includes('garmin') : config.garmin !== undefined,
      hint: 'set GARMIN_USERNAME and GARMIN_PASSWORD, or send tokens with /garmin',
    },
    {
      id: 'intervals',
      label: 'intervals.icu',
      configured: active ? active.includes('intervals') : config.intervals !== undefined,
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
      sync: Pick<SyncService, 'health'>;
      versions: { app: string; grammy: string };
      startedAt: Date;
    },
  ) {}

  async collect(timeZone: string): Promise<AppStatus> {
    const { config, database, versions, startedAt } = this.deps;
    const [serverVersion, sync, aiUsage] = await Promise.all([database.serverVersion(), this.deps.sync.health(), this.deps.ai.usage(timeZone)]);
    return {
      version: versions.app,
      nodeVersion: process.version,
      grammyVersion: versions.grammy,
      database: { kind: database.kind, location: database.location, serverVersion },
      dataDir: path.resolve(config.dataDir),
      mode: config.webhook ? 'webhook' : 'polling',
      sources: describeSources(config, sync.map((h) => h.source)),
      coach: describeCoach(config),
      sync,
      aiUsage,
      startedAt,
    };
  }
}
