import { randomBytes } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { TelegramReachability } from '../bot/api-monitor.ts';
import { withDeadline } from '../deadline.ts';
import type { SourceCatalog } from '../integrations/sources.ts';
import type { SyncService } from './sync.ts';

export interface CheckResult {
  ok: boolean;
  detail?: string;
  [extra: string]: unknown;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  failing: string[];
  checks: { database: CheckResult; storage: CheckResult; telegram: CheckResult };
  /** Informational: a source in cooldown is Garmin's problem, not a reason to restart us. */
  sources: Record<string, { configured: boolean; state: 'off' | 'ok' | 'cooldown' | 'failing' | 'unknown'; detail?: string; last_ok_at?: string | null }>;
}

const CHECK_TIMEOUT_MS = 3_000;

/** A check that does not answer in time fails, naming what did not answer. */
function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  return withDeadline(work, CHECK_TIMEOUT_MS, () => new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class HealthService {
  constructor(
    private readonly deps: {
      config: Config;
      database: Database;
      telegram: () => TelegramReachability;
      sources: Pick<SourceCatalog, 'active'>;
      sync: Pick<SyncService, 'health'>;
    },
  ) {}

  async report(): Promise<HealthReport> {
    const [database, storage, sources] = await Promise.all([this.database(), this.storage(), this.sources()]);
    const telegram = this.telegram();
    const checks = { database, storage, telegram };
    const failing = Object.entries(checks)
      .filter(([, result]) => !result.ok)
      .map(([name]) => name);
    return { status: failing.length === 0 ? 'ok' : 'failing', failing, checks, sources };
  }

  private async database(): Promise<CheckResult> {
    const { database } = this.deps;
    try {
      await withTimeout(database.ping(), 'the database');
      return { ok: true, kind: database.kind };
    } catch (error) {
      return { ok: false, kind: database.kind, detail: describe(error) };
    }
  }

  private async storage(): Promise<CheckResult> {
    const dir = path.resolve(this.deps.config.dataDir);
    const probe = path.join(dir, `.health-${randomBytes(4).toString('hex')}`);
    try {
      await withTimeout(
        (async () => {
          await mkdir(dir, { recursive: true });
          await writeFile(probe, 'ok');
          await unlink(probe);
        })(),
        'the data folder',
      );
      return { ok: true, data_dir: dir };
    } catch (error) {
      return { ok: false, data_dir: dir, detail: describe(error) };
    }
  }

  private telegram(): CheckResult {
    const state = this.deps.telegram();
    return {
      ok: state.reachable,
      last_ok_at: state.lastOkAt?.toISOString() ?? null,
      ...(state.lastError
        ? { last_error_at: state.lastError.at.toISOString(), detail: `${state.lastError.method}: ${state.lastError.description}` }
        : {}),
    };
  }

  private async sources(): Promise<HealthReport['sources']> {
    const [active, health] = await Promise.all([this.deps.sources.active(), this.deps.sync.health().catch(() => undefined)]);
    const result: HealthReport['sources'] = {};
    for (const id of ['garmin', 'intervals'] as const) {
      const h = health?.find((x) => x.source === id);
      const lastOk = { last_ok_at: h?.lastOkAt?.toISOString() ?? null };
      if (!active.includes(id)) result[id] = { configured: false, state: 'off' };
      else if (!health || !h) result[id] = { configured: true, state: 'unknown' };
      else if (h.cooldownUntil) result[id] = { configured: true, state: 'cooldown', detail: `paused until ${h.cooldownUntil.toISOString()}`, ...lastOk };
      else if (h.lastRun?.status === 'failed') result[id] = { configured: true, state: 'failing', detail: h.lastError ?? h.lastRun.error ?? 'failed', ...lastOk };
      else result[id] = { configured: true, state: 'ok', ...lastOk };
    }
    // ride files sent in the chat need nothing outside
    result.files = { configured: true, state: 'ok' };
    return result;
  }
}
