import { SOURCE_LABELS, type SourceId } from '../integrations/activity-source.ts';
import type { WorkoutSummaryRow } from '../services/rides.ts';
import type { SourceHealth, SourceOutcome, SyncProgress, SyncReport, ThresholdChange } from '../services/sync.ts';
import { formatDateTime } from './format.ts';
import { html, joinHtml, type Html } from './html.ts';
import { rideListLabel } from './ride-view.ts';

/** Rides listed one by one in a backfill summary; the rest are counted. */
const SUMMARY_LINES = 12;

export const NO_SOURCES =
  'There is nothing to sync from yet. Set INTERVALS_API_KEY and INTERVALS_ATHLETE_ID (intervals.icu, the reliable road) or GARMIN_USERNAME and GARMIN_PASSWORD in .env, or send Garmin tokens with /garmin. Ride files you send here always work.';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The status message before the first source answers. */
export function startingText(sources: SourceId[]): string {
  return `🔄 Syncing ${sources.map((s) => SOURCE_LABELS[s]).join(' and ')}…`;
}

/** Where a run is: "Garmin: 3 of 7". */
export function progressLine(progress: SyncProgress): string {
  const label = SOURCE_LABELS[progress.source];
  return progress.total === 0 ? `${label}: looking for new activities…` : `${label}: ${progress.done} of ${progress.total}`;
}

/** One line per source: what the run did, or why it did not. */
export function resultText(report: SyncReport, timeZone: string): Html {
  return joinHtml([html`<b>Sync done</b>`, ...report.outcomes.map((o) => outcomeLine(o, timeZone))]);
}

function outcomeLine(o: SourceOutcome, timeZone: string): Html {
  const label = SOURCE_LABELS[o.source];
  const until = o.cooldownUntil ? formatDateTime(o.cooldownUntil, timeZone) : '';
  if (o.status === 'busy') return html`${label}: a sync is already running.`;
  if (o.status === 'cooldown') return html`${label}: paused until ${until} — ${WHY[o.source]}.`;
  const parts = [o.imported.length === 0 ? 'nothing new' : plural(o.imported.length, 'new activity', 'new activities')];
  if (o.duplicates > 0) parts.push(`${o.duplicates} already here`);
  if (o.pending.length > 0) parts.push(`${o.pending.length} wait${o.pending.length === 1 ? 's' : ''} for the next run (${o.pending[0]!.error})`);
  if (o.skipped.length > 0) parts.push(`${o.skipped.length} skipped (${o.skipped[0]!.reason})`);
  if (o.status === 'paused') return html`${label}: ${parts.join(', ')}; then paused until ${until}${o.tell ? ' — see below' : ''}.`;
  if (o.status === 'failed') return html`${label}: ${parts.join(', ')}; stopped: ${o.error?.message ?? 'failed'}. The rest is tried at the next sync.`;
  return html`${label}: ${parts.join(', ')}.`;
}

/** What the rider can do while a source is paused. */
const GARMIN_ROADS =
  'Meanwhile: send the ride’s .fit file here (it always works), import tokens made on a computer where the Garmin login works with /garmin, or add intervals.icu (INTERVALS_API_KEY), which Garmin feeds officially.';
const FILES_WORK = 'Ride files you send here always work.';

/**
 * The one message a lockout or a refused login gets (a cron tick later does not
 * repeat it): what happened (the source's own sentence), until when nothing is
 * asked, what the rider can do.
 */
export function noticeText(o: SourceOutcome, timeZone: string): string | undefined {
  if (!o.tell || !o.error || !o.cooldownUntil) return undefined;
  const { kind, status } = o.error;
  const label = SOURCE_LABELS[o.source];
  const why =
    kind === 'rate_limited'
      ? ' Limits are per account, and asking again re-arms them.'
      : o.source === 'garmin' && kind === 'blocked' && status === 403
        ? ' Since March 2026 Garmin refuses many requests from servers.'
        : '';
  const roads = o.source === 'garmin' ? GARMIN_ROADS : kind === 'auth' || kind === 'blocked' ? `Restart me once .env is fixed and I try again at once. ${FILES_WORK}` : FILES_WORK;
  return `${o.error.message}.${why} I paused ${label} sync until ${formatDateTime(o.cooldownUntil, timeZone)} and will not contact it before then. ${roads}`;
}

/** Where a paused source's reason is told again. */
const WHY: Record<SourceId, string> = { garmin: '/garmin says why and what you can do', intervals: '/status says why' };

/** The answer to /sync inside a cooldown: one line, the advice was given once already. */
export function cooldownLine(source: SourceId, until: Date, timeZone: string): string {
  return `${SOURCE_LABELS[source]} is paused until ${formatDateTime(until, timeZone)}; ${WHY[source]}.`;
}

/** More than a few new rides at once (a first sync, a week away): one message for all of them. */
export function backfillSummary(rides: WorkoutSummaryRow[], analysed: number, timeZone: string): Html {
  const cycling = rides.filter((r) => r.type === 'cycling');
  const tss = rides.reduce((sum, r) => sum + (r.tss ?? 0), 0);
  const newestFirst = [...rides].reverse();
  const lines = newestFirst.slice(0, SUMMARY_LINES).map((r) => html`• ${rideListLabel(r, timeZone)} (ride ${r.id})`);
  const more = rides.length - lines.length;
  return joinHtml([
    html`📥 <b>${plural(rides.length, 'new activity', 'new activities')}</b>: ${plural(cycling.length, 'ride')}${
      rides.length > cycling.length ? `, ${rides.length - cycling.length} other` : ''
    }${tss > 0 ? `, ${Math.round(tss)} TSS in all` : ''}.`,
    ...lines,
    ...(more > 0 ? [html`… and ${more} more: /rides lists them all.`] : []),
    html`They count for your fitness now (/fitness). ${
      analysed === 0 ? '' : analysed === 1 ? 'The ride of the last two days is being analysed; ' : `The ${analysed} rides of the last two days are being analysed; `
    }/analyse N analyses any other.`,
  ]);
}

const THRESHOLD_WORDS: Record<ThresholdChange['key'], { label: string; unit: string }> = {
  ftpW: { label: 'FTP', unit: 'W' },
  lthrBpm: { label: 'Threshold HR', unit: 'bpm' },
  maxHrBpm: { label: 'Max HR', unit: 'bpm' },
  riderKg: { label: 'Weight', unit: 'kg' },
};

export function thresholdOfferText(source: SourceId, changes: ThresholdChange[]): Html {
  return joinHtml([
    html`${SOURCE_LABELS[source]} has other numbers than your profile:`,
    ...changes.map((c) => {
      const w = THRESHOLD_WORDS[c.key];
      return html`• ${w.label} ${c.to} ${w.unit} (yours: ${c.from === null ? 'not set' : `${c.from} ${w.unit}`})`;
    }),
    html`Use them? Nothing changes unless you tap.`,
  ]);
}

export function thresholdAppliedText(changes: ThresholdChange[]): string {
  if (changes.length === 0) return 'Your profile already has these numbers.';
  return `Profile updated: ${changes.map((c) => `${THRESHOLD_WORDS[c.key].label} ${c.to} ${THRESHOLD_WORDS[c.key].unit}`).join(', ')}. New rides use them.`;
}

/** One line per source for /status and /garmin: paused, last success, last run. */
export function sourceHealthLines(health: SourceHealth[], timeZone: string): Html[] {
  return health.map((h) => {
    const parts = [
      h.cooldownUntil ? `paused until ${formatDateTime(h.cooldownUntil, timeZone)}` : 'active',
      h.lastOkAt ? `last success ${formatDateTime(h.lastOkAt, timeZone)}` : 'no successful sync yet',
    ];
    if (h.lastRun) {
      parts.push(`last run ${h.lastRun.status} at ${formatDateTime(h.lastRun.at, timeZone)}, ${h.lastRun.synced} new`);
      if (h.lastRun.pending > 0) parts.push(`${h.lastRun.pending} waiting`);
    }
    if (h.lastError && (h.cooldownUntil || h.lastRun?.status === 'failed')) parts.push(`last error: ${h.lastError.slice(0, 160)}`);
    return html`${SOURCE_LABELS[h.source]}: ${parts.join('; ')}`;
  });
}
