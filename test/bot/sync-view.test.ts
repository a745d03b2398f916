import { describe, expect, it } from 'vitest';
import { noticeText } from '../../src/bot/sync-view.ts';
import { SourceError, type SourceErrorKind, type SourceId } from '../../src/integrations/activity-source.ts';
import type { SourceOutcome } from '../../src/services/sync.ts';

const UNTIL = new Date('2026-12-02T10:40:00Z');

function paused(source: SourceId, kind: SourceErrorKind, message: string, status?: number, tell = true): SourceOutcome {
  return {
    source, status: 'paused', found: 0, imported: [], duplicates: 0, analysed: 0, pending: [], skipped: [],
    error: new SourceError(source, kind, message, status), cooldownUntil: UNTIL, tell,
  };
}

describe('noticeText: the one message a pause gets', () => {
  it('says what happened in the source’s own sentence, until when, and the roads left — once', () => {
    expect(noticeText(paused('garmin', 'mfa', "Garmin's sign-in gave no ticket: a wrong username or password, or the account needs a second factor (MFA)"), 'Europe/Ljubljana')).toBe(
      "Garmin's sign-in gave no ticket: a wrong username or password, or the account needs a second factor (MFA). I paused Garmin sync until 2 Dec 2026, 11:40 and will not contact it before then. " +
        'Meanwhile: send the ride’s .fit file here (it always works), import tokens made on a computer where the Garmin login works with /garmin, or add intervals.icu (INTERVALS_API_KEY), which Garmin feeds officially.',
    );
    expect(noticeText(paused('garmin', 'mfa', 'x', undefined, false), 'UTC')).toBeUndefined();
  });

  it('explains a 429 and a 403 from Garmin, not a locked account', () => {
    expect(noticeText(paused('garmin', 'rate_limited', 'Garmin rate-limited the account (activity list, HTTP 429)', 429), 'UTC')).toMatch(
      /^Garmin rate-limited the account \(activity list, HTTP 429\)\. Limits are per account, and asking again re-arms them\. I paused Garmin sync until 2 Dec 2026, 10:40/,
    );
    expect(noticeText(paused('garmin', 'blocked', 'Garmin blocked the activity list (HTTP 403)', 403), 'UTC')).toContain('. Since March 2026 Garmin refuses many requests from servers. I paused');
    expect(noticeText(paused('garmin', 'blocked', 'Garmin has locked the account: unlock it at connect.garmin.com'), 'UTC')).toMatch(
      /^Garmin has locked the account: unlock it at connect\.garmin\.com\. I paused Garmin sync/,
    );
  });

  it('intervals.icu: a refused key asks for .env and a restart; a rate limit only for patience', () => {
    const refused = noticeText(paused('intervals', 'auth', 'intervals.icu refused the API key (401): check INTERVALS_API_KEY', 401), 'UTC')!;
    expect(refused).toMatch(/\. I paused intervals\.icu sync until .* Restart me once \.env is fixed and I try again at once\. Ride files you send here always work\.$/);
    const limited = noticeText(paused('intervals', 'rate_limited', 'intervals.icu rate-limited us (HTTP 429)', 429), 'UTC')!;
    expect(limited).toMatch(/asking again re-arms them\. I paused intervals\.icu sync until .* before then\. Ride files you send here always work\.$/);
  });
});
