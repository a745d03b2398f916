import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ActivitySource, SourceId } from './activity-source.ts';
import { GarminTokenStore } from './garmin/tokens.ts';
import { IntervalsSource } from './intervals.ts';

/** Which sources are set up, and a client for each: the one place that knows how to make them. */
export interface SourceCatalog {
  /** Sources set up right now, in sync order (Garmin tokens can arrive while the bot runs). */
  active(): Promise<SourceId[]>;
  open(id: SourceId): Promise<ActivitySource>;
  /** A SHA-256 of what the rider configured for the source (never the secrets themselves): a pause ends when it changes. */
  setupHash(id: SourceId): string;
  readonly garminTokens: GarminTokenStore;
}

export function sourceCatalog(config: Config, logger: Logger): SourceCatalog {
  const garminTokens = new GarminTokenStore(path.join(config.dataDir, 'garmin'));
  const timeoutMs = config.sync.timeoutMs;
  return {
    garminTokens,
    async active() {
      const ids: SourceId[] = [];
      if (config.garmin || (await garminTokens.info()).present) ids.push('garmin');
      if (config.intervals) ids.push('intervals');
      return ids;
    },
    setupHash(id) {
      const setup = id === 'garmin' ? [config.garmin?.username, config.garmin?.password, config.sourceUrls.garminApi] : [config.intervals?.apiKey, config.intervals?.athleteId, config.sourceUrls.intervals];
      return createHash('sha256').update(JSON.stringify(setup)).digest('hex');
    },
    async open(id) {
      if (id === 'intervals') {
        if (!config.intervals) throw new Error('intervals.icu is not configured');
        return new IntervalsSource({ ...config.intervals, baseUrl: config.sourceUrls.intervals, timeoutMs, logger });
      }
      // garmin-connect brings axios, lodash and luxon: loaded when Garmin is first synced
      const { GarminSource } = await import('./garmin/source.ts');
      return new GarminSource({
        ...(config.garmin ? { credentials: config.garmin } : {}),
        tokens: garminTokens,
        urls: { api: config.sourceUrls.garminApi, sso: config.sourceUrls.garminSso, consumer: config.sourceUrls.garminConsumer },
        timeoutMs,
        logger,
      });
    },
  };
}
