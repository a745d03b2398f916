import { describe, expect, it } from 'vitest';
import { analysisMessage } from '../../src/bot/analysis-view.ts';
import { html } from '../../src/bot/html.ts';
import { MESSAGE_LIMIT, visibleLength } from '../../src/bot/messages.ts';
import type { RideFeedback } from '../../src/domain/coach/feedback.ts';
import type { PlanComparison } from '../../src/domain/coach/ride-vs-plan.ts';
import type { AnalysisFacts, AnalysisRow } from '../../src/services/analyses.ts';
import type { StoredRide, StoredRideMetrics } from '../../src/services/rides.ts';
import { rideMetrics } from '../support/metrics.ts';
import { hard, plan, ride } from '../support/plans.ts';

// December 2024: the ride on Tuesday 3, read on Wednesday 4.
const TODAY = '2024-12-04';
const RIDE_DAY = '2024-12-03';

/** An hour at NP 150 W on FTP 200: IF 0.75, TSS 56.25, 28.8 km, avg HR 140. */
function storedRide(over: Partial<StoredRideMetrics> = {}): StoredRide {
  const metrics: StoredRideMetrics = {
    ...rideMetrics({
      ftpW: 200, startTimeMs: Date.parse(`${RIDE_DAY}T08:00:00Z`), recordCount: 3600, powerSampleCount: 3600, elapsedS: 3700,
      distanceM: 28_800, distanceSource: 'device', avgSpeedMps: 8, avgPowerW: 145, maxPowerW: 400, normalizedPowerW: 150,
      intensityFactor: 0.75, tss: 56.25, variabilityIndex: 1.03, workKj: 522, avgHrBpm: 140, maxHrBpm: 165, avgCadenceRpm: 88,
      maxCadenceRpm: 110, load: 56.25,
    }),
    format: 'fit', truncated: false, defaultsUsed: [],
    ...over,
  };
  return {
    workout: {
      id: 7, source: 'upload', sourceActivityId: 'abc', contentHash: 'abc', type: 'cycling', name: 'Morning ride',
      startTime: new Date(`${RIDE_DAY}T08:00:00Z`), durationS: 3700, movingS: 3600, distanceM: 28_800,
      avgHr: 140, maxHr: 165, avgPowerW: 145, maxPowerW: 400, avgCadence: 88, elevationGainM: null,
      npW: 150, tss: 56.25, metrics: {}, filePath: null, createdAt: new Date(`${RIDE_DAY}T10:00:00Z`),
    },
    metrics,
    streams: null,
  };
}

const comparison: PlanComparison = {
  planned: { line: 'endurance 60 min', type: 'endurance', durationS: 3600, tss: 42.25 },
  ridden: { durationS: 3600, load: 56.25, loadSource: 'tss' },
  zones: { label: 'Z2 (endurance)', plannedS: 3600, riddenS: 3000 },
};

const facts: AnalysisFacts = {
  rideDay: RIDE_DAY,
  comparison,
  formBefore: { ctl: 60, atl: 60, tsb: 0 },
  formAfter: { ctl: 61.3, atl: 100.3, tsb: -39 },
  planVersion: 3,
};

const feedback: RideFeedback = {
  performance_summary: 'A steady endurance hour, a little above plan.',
  strengths: ['Even pacing.', 'Cadence held near 90.'],
  areas_for_improvement: ['Started too hard.'],
  training_suggestions: ['Keep two endurance rides a week.'],
  next_workout_recommendations: ['Rest tomorrow.'],
  performance_score: 7,
};

const draft = plan([ride('2024-12-03', 60), ride('2024-12-05', 60), hard('2024-12-07', 60)]);

/** An analysis row with every column: an AI analysis that proposes a change to plan v3. */
function row(over: Partial<AnalysisRow> = {}): AnalysisRow {
  return {
    id: 12,
    workoutId: 7,
    status: 'ready',
    attempts: 1,
    lastError: null,
    feedback: feedback as unknown as Record<string, unknown>,
    author: 'ai',
    notes: [],
    facts: facts as unknown as Record<string, unknown>,
    operations: [],
    draft,
    basePlanId: 5,
    changeReason: 'An easier Thursday after a ride above plan.',
    changes: ['Thu 5 Dec: threshold 60 min → endurance 60 min', 'Sat 7 Dec: unchanged TSS 100 → 90'],
    approved: null,
    decisionTime: null,
    rejectReason: null,
    resultingPlanId: null,
    model: 'gpt-test',
    promptId: null,
    telegramMessageId: null,
    createdAt: new Date(`${TODAY}T09:00:00Z`),
    ...over,
  };
}

const NUMBERS = '1 h 00 min · 28.8 km · NP 150 W · IF 0.75 · TSS 56 · avg HR 140 bpm';

describe('analysisMessage: our numbers', () => {
  it('opens with the ride, its day and the analysis, then our numbers, the comparison and the form', () => {
    const lines = analysisMessage({ row: row(), ride: storedRide(), today: TODAY }).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '🚴 <b>Ride 7</b> · Tue 3 Dec · analysis 12, by the AI coach (gpt-test)',
      NUMBERS,
      '📋 Planned: endurance 60 min (TSS 42). Ridden: 1 h 00 min of 1 h 00 min, TSS 56 of 42, 50 of 60 min in Z2.',
      '📈 Form (TSB) 0 → -39, fitness (CTL) 60 → 61.3',
      '',
    ]);
  });

  it('says less when a number is missing: elapsed time without moving time, HRSS without TSS, no comparison or form', () => {
    const hrOnly = storedRide({ movingS: null, elapsedS: 5400, distanceM: 0, normalizedPowerW: null, intensityFactor: null, tss: null, load: 70.4, loadSource: 'hrss', avgHrBpm: 139.6 });
    const bare = row({ facts: { rideDay: RIDE_DAY, comparison: null, formBefore: { ctl: 60, atl: 60, tsb: 0 }, formAfter: null, planVersion: null } });
    const lines = analysisMessage({ row: bare, ride: hrOnly, today: TODAY }).split('\n');
    expect(lines[1]).toBe('1 h 30 min · HRSS 70 · avg HR 140 bpm');
    expect(lines[2]).toBe('');
    expect(lines.join('\n')).not.toContain('📋');
    expect(lines.join('\n')).not.toContain('📈');
  });

  it('a ride without a day reads "date unknown"; a ride in another year gives the year', () => {
    const noDay = row({ facts: { ...facts, rideDay: null } });
    expect(analysisMessage({ row: noDay, ride: storedRide(), today: TODAY }).split('\n')[0]).toBe('🚴 <b>Ride 7</b> · date unknown · analysis 12, by the AI coach (gpt-test)');
    expect(analysisMessage({ row: row(), ride: storedRide(), today: '2025-01-02' }).split('\n')[0]).toContain(' · Tue 3 Dec 2024 · ');
  });
});

describe('analysisMessage: the coach’s words', () => {
  it('names the author: the AI coach and its model, the AI coach without one, or the built-in coach', () => {
    const first = (r: AnalysisRow) => analysisMessage({ row: r, ride: storedRide(), today: TODAY }).split('\n')[0];
    expect(first(row())).toBe('🚴 <b>Ride 7</b> · Tue 3 Dec · analysis 12, by the AI coach (gpt-test)');
    expect(first(row({ model: null }))).toBe('🚴 <b>Ride 7</b> · Tue 3 Dec · analysis 12, by the AI coach');
    expect(first(row({ author: 'built-in', model: null }))).toBe('🚴 <b>Ride 7</b> · Tue 3 Dec · analysis 12, by the built-in coach');
  });

  it('gives the score with the summary, then each non-empty list under its title, then the notes in italics', () => {
    const text = analysisMessage({
      row: row({ draft: null, basePlanId: null, changeReason: null, changes: [], feedback: { ...feedback, training_suggestions: [] }, notes: ['The model’s plan change was dropped.'] }),
      ride: storedRide(),
      today: TODAY,
    });
    expect(text.split('\n').slice(4)).toEqual([
      '',
      '<b>Score 7/10.</b> A steady endurance hour, a little above plan.',
      '<b>Went well</b>',
      '• Even pacing.',
      '• Cadence held near 90.',
      '<b>To work on</b>',
      '• Started too hard.',
      '<b>Next days</b>',
      '• Rest tomorrow.',
      '',
      '<i>The model’s plan change was dropped.</i>',
    ]);
    expect(text).not.toContain('Coming weeks');
    expect(text).not.toContain('Nothing changes');
  });

  it('escapes the model’s words: summary, list items, reason, notes and model name', () => {
    const text = analysisMessage({
      row: row({
        model: 'a<b>&c',
        feedback: { ...feedback, performance_summary: 'Held <b>steady</b> & smooth', strengths: ['Power > 150 W & HR < 150'] },
        changeReason: 'Rest <i>now</i> & later',
        notes: ['<script>&amp;</script>'],
      }),
      ride: storedRide(),
      today: TODAY,
    });
    expect(text).toContain('by the AI coach (a&lt;b&gt;&amp;c)');
    expect(text).toContain('<b>Score 7/10.</b> Held &lt;b&gt;steady&lt;/b&gt; &amp; smooth');
    expect(text).toContain('• Power &gt; 150 W &amp; HR &lt; 150');
    expect(text).toContain('<b>Proposed change to plan v3</b>: Rest &lt;i&gt;now&lt;/i&gt; &amp; later');
    expect(text).toContain('<i>&lt;script&gt;&amp;amp;&lt;/script&gt;</i>');
    expect(text).not.toContain('<b>steady');
    expect(text).not.toContain('<script>');
  });
});

describe('analysisMessage: the change it proposes', () => {
  it('a change to a plan: its version and reason, the diff lines, and nothing changes until Approve', () => {
    const lines = analysisMessage({ row: row(), ride: storedRide(), today: TODAY }).split('\n');
    expect(lines.slice(-5)).toEqual([
      '',
      '<b>Proposed change to plan v3</b>: An easier Thursday after a ride above plan.',
      '• Thu 5 Dec: threshold 60 min → endurance 60 min',
      '• Sat 7 Dec: unchanged TSS 100 → 90',
      'Nothing changes until you tap Approve.',
    ]);
  });

  it('without a reason or a known version: "plan v?" and no colon', () => {
    const text = analysisMessage({ row: row({ changeReason: null, facts: { ...facts, planVersion: null } }), ride: storedRide(), today: TODAY });
    expect(text).toContain('\n<b>Proposed change to plan v?</b>\n• Thu 5 Dec');
  });

  it('a first plan (no base plan): its dates, overview and weeks', () => {
    const text = analysisMessage({ row: row({ basePlanId: null, changeReason: null, changes: [], facts: { ...facts, planVersion: null } }), ride: storedRide(), today: TODAY });
    const lines = text.split('\n');
    const at = lines.indexOf('<b>No plan yet — a first plan</b>, Mon 2 Dec to Sun 15 Dec:');
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toBe('');
    expect(lines[at + 1]).toBe('<i>test</i>');
    expect(lines[at + 2]).toMatch(/^<b>Week of Mon 2 Dec<\/b> — build \(3 h 00 min, TSS \d+\)$/);
    expect(lines).toContain('Thu 5 Dec: endurance 60 min · IF 0.65, TSS 42');
    expect(lines.at(-1)).toBe('Nothing changes until you tap Approve.');
    expect(text).not.toContain('Proposed change');
  });

  it('once decided: the verdict comes first, and no "Nothing changes until you tap Approve."', () => {
    const text = analysisMessage({ row: row({ approved: true }), ride: storedRide(), today: TODAY, verdict: html`✅ Approved — plan v4` });
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['✅ Approved — plan v4', '', '🚴 <b>Ride 7</b> · Tue 3 Dec · analysis 12, by the AI coach (gpt-test)']);
    expect(text).toContain('<b>Proposed change to plan v3</b>');
    expect(text).not.toContain('Nothing changes');

    const first = analysisMessage({ row: row({ basePlanId: null }), ride: storedRide(), today: TODAY, verdict: html`❌ Rejected` });
    expect(first.startsWith('❌ Rejected\n\n')).toBe(true);
    expect(first).toContain('<b>No plan yet — a first plan</b>');
    expect(first).not.toContain('Nothing changes');
  });
});

describe('analysisMessage: a ride it gave up on', () => {
  it('says why, and how to try again, without the analysis or the author', () => {
    const givenUp = row({ feedback: null, author: null, model: null, draft: null, basePlanId: null, changeReason: null, changes: [], lastError: 'model timed out after 3 tries' });
    expect(analysisMessage({ row: givenUp, ride: storedRide(), today: TODAY }).split('\n')).toEqual([
      '🚴 <b>Ride 7</b> · Tue 3 Dec',
      NUMBERS,
      '📋 Planned: endurance 60 min (TSS 42). Ridden: 1 h 00 min of 1 h 00 min, TSS 56 of 42, 50 of 60 min in Z2.',
      '📈 Form (TSB) 0 → -39, fitness (CTL) 60 → 61.3',
      '',
      '⚠️ I could not analyse this ride (model timed out after 3 tries). /analyse 7 tries again.',
    ]);
  });

  it('without a recorded error: "unknown error"; an error with markup is escaped', () => {
    const givenUp = (lastError: string | null) => analysisMessage({ row: row({ feedback: null, lastError }), ride: storedRide(), today: TODAY });
    expect(givenUp(null).split('\n').at(-1)).toBe('⚠️ I could not analyse this ride (unknown error). /analyse 7 tries again.');
    expect(givenUp('HTTP 500 <html> & more').split('\n').at(-1)).toBe('⚠️ I could not analyse this ride (HTTP 500 &lt;html&gt; &amp; more). /analyse 7 tries again.');
  });
});

describe('analysisMessage: Telegram’s 4096 characters', () => {
  const long = (label: string, n: number) => `${label} ${'x'.repeat(n - label.length - 1)}`;
  const items = (label: string) => Array.from({ length: 5 }, (_, i) => long(`${label}${i + 1}`, 400));
  const maximal = row({
    feedback: {
      performance_summary: long('summary', 1200),
      strengths: items('strength'),
      areas_for_improvement: items('area'),
      training_suggestions: items('suggestion'),
      next_workout_recommendations: items('next'),
      performance_score: 9,
    },
    changeReason: long('reason', 300),
    changes: Array.from({ length: 40 }, (_, i) => `Change ${i + 1}: Thu 5 Dec threshold 60 min → endurance 60 min`),
    notes: Array.from({ length: 6 }, (_, i) => long(`note${i + 1}`, 300)),
  });

  it('the fullest feedback still fits, keeping the score, the first change and "and N more"', () => {
    const text = analysisMessage({ row: maximal, ride: storedRide(), today: TODAY });
    expect(visibleLength(text)).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain('<b>Score 9/10.</b> summary');
    expect(text).toContain('\n• Change 1: Thu 5 Dec threshold 60 min → endurance 60 min\n');
    expect(text).not.toContain('• Change 40:');
    expect(text).toMatch(/\n… and \d+ more \(\/plan_diff after approving\)\.\n/);
    expect(text).toContain('Nothing changes until you tap Approve.');
    // cut, not dropped: the summary is shortened with an ellipsis
    expect(text).not.toContain(long('summary', 1200));
    expect(text).toMatch(/<b>Score 9\/10\.<\/b> summary x+…\n/);
  });

  it('keeps as much as fits: the largest budget under the limit (2 items of 160 characters, 8 change lines)', () => {
    const text = analysisMessage({ row: maximal, ride: storedRide(), today: TODAY });
    // the 5-item and 3-item budgets are over the limit; the 2-item budget (160 chars, 8 lines) fits
    expect(text.match(/^• strength/gm)).toHaveLength(2);
    expect(text).toContain(`• ${long('strength1', 400).slice(0, 159)}…\n`);
    expect(text).toContain('• Change 8:');
    expect(text).not.toContain('• Change 9:');
    expect(text).toContain('… and 32 more (/plan_diff after approving).');
    expect(text.match(/^<i>note/gm)).toHaveLength(6);
  });

  it('a short analysis is left whole', () => {
    const text = analysisMessage({ row: row({ feedback: { ...feedback, strengths: items('strength') } }), ride: storedRide(), today: TODAY });
    expect(text.match(/^• strength/gm)).toHaveLength(5);
    expect(text).toContain(`• ${long('strength5', 400)}\n`);
  });
});
