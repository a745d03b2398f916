import { withDeadline } from '../deadline.ts';

/**
 * Where synced rides come from. Each source (Garmin Connect, intervals.icu) lists
 * activities, hands out one activity's original file, and says what thresholds it
 * knows for the rider. Every failure is a `SourceError` whose `kind` tells the sync
 * what to do: pause the source (a lockout or dead credentials), try again next run
 * (a timeout, a 5xx, a malformed answer), or leave one activity pending (a refused
 * download).
 */

export type SourceId = 'garmin' | 'intervals';

export const SOURCE_LABELS: Record<SourceId, string> = { garmin: 'Garmin', intervals: 'intervals.icu' };

export interface RemoteActivity {
  /** The source's own id, as text (Garmin: "21482825013"; intervals.icu: "i12345678"). */
  id: string;
  startTime: Date;
  name: string | null;
  /** The source's own type word, e.g. "road_biking" or "Ride" (for logs and messages). */
  type: string;
  cycling: boolean;
  durationS: number | null;
  distanceM: number | null;
  /** Set when the source will never hand this activity's file out: the reason, in one sentence. */
  unavailable?: string;
}

export interface RemoteFile {
  bytes: Uint8Array;
  /** With the extension that says its format: "21482825013.fit", "i123.gpx". */
  fileName: string;
}

/** What the source knows of the rider, as it says it (absent when unset); the sync offers only values /profile would accept. */
export interface SourceThresholds {
  ftpW?: number;
  lthrBpm?: number;
  maxHrBpm?: number;
  weightKg?: number;
}

export interface ActivitySource {
  readonly id: SourceId;
  /** Every activity (any sport) that started at or after `since`, oldest first. */
  listActivities(since: Date): Promise<RemoteActivity[]>;
  /** The original file (FIT when the source has it), unzipped/gunzipped. */
  download(activity: RemoteActivity): Promise<RemoteFile>;
  thresholds(): Promise<SourceThresholds>;
}

export type SourceErrorKind =
  /** 429: the account is rate limited; retrying re-arms it. */
  | 'rate_limited'
  /** 403 outside a single download (Cloudflare, a locked account). */
  | 'blocked'
  /** Credentials or tokens refused (401 after one refresh, a failed refresh, no tokens and no password). */
  | 'auth'
  /** The login needs a second factor, or the SSO gave no ticket. */
  | 'mfa'
  | 'timeout'
  /** 5xx or the network. */
  | 'unavailable'
  /** An answer we cannot read (bad JSON, a shape we do not know). */
  | 'malformed'
  /** One activity's file refused or missing (403/404 on the download): only that activity waits. */
  | 'refused';

export class SourceError extends Error {
  constructor(
    readonly source: SourceId,
    readonly kind: SourceErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SourceError';
  }

  /** Kinds that pause the source for hours: asking again only makes it worse. */
  get pausesSource(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'blocked' || this.kind === 'auth' || this.kind === 'mfa';
  }
}

/** Rejects with a `timeout` SourceError when `work` takes longer than `ms` (the work itself is abandoned). */
export function withTimeout<T>(source: SourceId, what: string, ms: number, work: Promise<T>): Promise<T> {
  const limit = ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
  return withDeadline(work, ms, () => new SourceError(source, 'timeout', `${what} took longer than ${limit}`));
}
