import { describe, expect, it } from 'vitest';
import { answerFromNumbers, topicOf } from '../../../src/domain/coach/chat-answers.ts';
import type { CoachTopic } from '../../../src/domain/coach/chat-answers.ts';
import type { CoachSnapshot, RideDigest, WeekLoad } from '../../../src/domain/coach/context.ts';
import { reviewRide } from '../../../src/domain/coach/ride-review.ts';
import { fitnessSeries } from '../../../src/domain/load.ts';
import type { FitnessDay } from '../../../src/domain/load.ts';
import { resolveProfile } from '../../../src/domain/profile.ts';
import type { RiderProfile } from '../../../src/domain/profile.ts';
import { computeRideMetrics } from '../../../src/domain/ride.ts';

describe('topicOf', () => {
  it.each<[string, CoachTopic]>([
    ["how's my form", 'form'],
    ['How’s my form?', 'form'],
    ['am I fresh?', 'form'],
    ['should I go hard tomorrow?', 'form'],
    ['am I tired', 'form'],
    ['TSB', 'form'],
    ["what's my TSB today", 'form'],
    ['is my fitness going up?', 'form'],
    ['should I rest tomorrow?', 'form'],
    ['am I tired after this week?', 'form'],
    ['how was my last ride', 'last_ride'],
    ["what about yesterday's ride", 'last_ride'],
    ["how did yesterday's ride go?", 'last_ride'],
    ['How was today’s ride?', 'last_ride'],
    ['review my latest workout', 'last_ride'],
    ['how did I do this morning?', 'last_ride'],
    ["what's the TSS of my last ride?", 'last_ride'],
    ['how much did I ride this week', 'week_load'],
    ['weekly load', 'week_load'],
    ['weekly TSS', 'week_load'],
    ['weekly hours?', 'week_load'],
    ['how many hours have I ridden this week?', 'week_load'],
    ['how far have I ridden in the last 7 days?', 'week_load'],
    ["what's my FTP", 'ftp'],
    ['my zones', 'ftp'],
    ['what are my power zones', 'ftp'],
    ['what are my heart rate zones?', 'ftp'],
    ["what's my w/kg?", 'ftp'],
    ['what is zone 2 for me?', 'ftp'],
    ['what should I eat before a gran fondo?', 'unknown'],
    ['how do I fix my saddle height?', 'unknown'],
    ["what's the weather tomorrow?", 'unknown'],
    ['how should I pace a 40 km time trial?', 'unknown'],
    ['how many hours should I sleep?', 'unknown'],
    ['is 50/34 better than 52/36?', 'unknown'],
  ])('%s -> %s', (question, topic) => {
    expect(topicOf(question)).toBe(topic);
  });
});

// ---- a rider's snapshot, built the way the app builds it: real metrics, the real PMC ----

const TODAY = '2024-11-13'; // a Wednesday
const T0 = Date.parse('2024-11-12T08:00:00Z');

function snapshotFor(opts: {
  stored?: RiderProfile;
  loads?: [string, number][];
  seed?: { ctl: number; atl: number };
  lastRideDay?: string | null;
  bestRecent20W?: number | null;
} = {}): CoachSnapshot {
  const { profile, defaultsUsed } = resolveProfile(opts.stored ?? { ftpW: 265, riderKg: 72, lthrBpm: 168, maxHrBpm: 188 });
  // Two hours steady at 170-176 W with heart rate: an endurance ride.
  const samples = Array.from({ length: 7200 }, (_, i) => ({
    timeMs: T0 + i * 1000, powerW: 170 + (i % 7), hrBpm: 135, cadenceRpm: 88, speedMps: 8,
  }));
  const m = computeRideMetrics({ sport: 'cycling', samples }, profile);
  const day = opts.lastRideDay === undefined ? '2024-11-12' : opts.lastRideDay;
  const loads = new Map(opts.loads ?? [['2024-11-08', 120], ['2024-11-10', 200], ['2024-11-12', m.load!]]);
  const fitness = fitnessSeries(loads, '2024-11-07', TODAY, opts.seed ?? { ctl: 55, atl: 60 });
  const digest: RideDigest = {
    id: 7, day, sport: 'cycling', indoor: false, durationS: 7260, movingS: 7200, distanceM: 57_600, ascentM: 310,
    avgPowerW: m.avgPowerW, normalizedPowerW: m.normalizedPowerW, intensityFactor: m.intensityFactor, tss: m.tss,
    variabilityIndex: m.variabilityIndex, decouplingPct: m.decouplingPct, avgHrBpm: m.avgHrBpm, eftpW: m.eftpW,
    load: m.load, loadSource: m.loadSource,
  };
  const weeks: WeekLoad[] = [
    { weekStart: '2024-11-11', load: m.load!, rides: 1, movingS: 7200, distanceM: 57_600 },
    { weekStart: '2024-11-04', load: 400, rides: 4, movingS: 8 * 3600, distanceM: 230_000 },
    { weekStart: '2024-10-28', load: 350, rides: 4, movingS: 7 * 3600, distanceM: 200_000 },
    { weekStart: '2024-10-21', load: 300, rides: 3, movingS: 6 * 3600 + 1800, distanceM: 180_000 },
  ];
  return {
    today: TODAY,
    timeZone: 'UTC',
    profile,
    defaultsUsed,
    rideCount: 12,
    fitness,
    ctlWeekAgo: 52,
    weeks,
    recentRides: [digest],
    lastRide: {
      digest,
      review: {
        metrics: m, profile, formBefore: { ctl: 55, atl: 66, tsb: -11 }, formAfter: { ctl: 57, atl: 70, tsb: -13 },
        ctlWeekBefore: 52, load7d: 400, avgLoad7dBefore: 350, previousBestsW: [],
      },
    },
    bests: { durationsS: [300, 1200], recentW: [320, opts.bestRecent20W ?? null], seasonW: [330, 300] },
  };
}

const EMPTY: CoachSnapshot = {
  ...snapshotFor({ stored: {} }),
  rideCount: 0,
  fitness: [],
  ctlWeekAgo: null,
  weeks: [],
  recentRides: [],
  lastRide: null,
  bests: { durationsS: [], recentW: [], seasonW: [] },
};

const TOPICS: CoachTopic[] = ['form', 'last_ride', 'week_load', 'ftp', 'unknown'];
const today = (s: CoachSnapshot): FitnessDay => s.fitness.at(-1)!;
const signed = (x: number) => (Math.round(x) > 0 ? `+${Math.round(x)}` : `${Math.round(x)}`);

describe('answerFromNumbers', () => {
  it('form: this morning\'s TSB in words, the CTL and ATL behind it, the ramp, and what to ride today', () => {
    const s = snapshotFor();
    const t = today(s);
    const morning = s.fitness.at(-2)!;
    const text = answerFromNumbers('form', s);
    expect(Math.round(t.tsb)).toBe(Math.round(morning.ctl) - Math.round(morning.atl));
    expect(text).toContain(`**Form this morning: balanced (TSB ${signed(t.tsb)})**`);
    expect(text).toContain(`Fitness (CTL) ${Math.round(morning.ctl)}, fatigue (ATL) ${Math.round(morning.atl)}`);
    expect(text).toContain(`CTL +${(t.ctl - 52).toFixed(1)} in 7 days`);
    expect(text).toMatch(/^- Today: sweet spot, 2 × 20 min at 88-92 % FTP \(233-244 W\)/m);
    expect(text).toMatch(/^- Tomorrow: /m);
  });

  it('form after riding today: the advice is for tomorrow, from tomorrow\'s TSB', () => {
    const s = snapshotFor({ loads: [['2024-11-10', 200], ['2024-11-13', 160]] });
    const t = today(s);
    const text = answerFromNumbers('form', s);
    expect(text).toContain(`Today's 160 is already counted: tomorrow starts`);
    expect(text).toContain(`(TSB ${signed(t.ctl - t.atl)})`);
    expect(text).toMatch(/^- Tomorrow: /m);
    expect(text).not.toMatch(/^- Today: /m);
  });

  it('form on deep fatigue: rest or a recovery spin today', () => {
    const block = ['07', '08', '09', '10', '11', '12'].map((d): [string, number] => [`2024-11-${d}`, 160]);
    const s = snapshotFor({ seed: { ctl: 40, atl: 60 }, loads: block });
    expect(Math.round(today(s).tsb)).toBeLessThan(-20);
    const text = answerFromNumbers('form', s);
    expect(text).toContain('deeply fatigued');
    expect(text).toMatch(/^- Today: rest, or a 30-45 min recovery spin under 55 % FTP \(under 146 W\)/m);
  });

  it('last ride: its date in words, its numbers, and the built-in review compactly', () => {
    const s = snapshotFor();
    const review = reviewRide(s.lastRide!.review);
    const text = answerFromNumbers('last_ride', s);
    expect(text).toContain(`**Last ride: yesterday (Tue 12 Nov)** · 2 h 00 min · 57.6 km · ${Math.round(s.lastRide!.digest.load!)} TSS`);
    expect(text).toContain(review.performance_summary);
    for (const line of review.strengths) expect(text).toContain(`- ${line}`);
    expect(text).toContain(`_Score ${review.performance_score}/10`);
    expect(text).not.toContain(review.training_suggestions[0]!);
    // The ride was yesterday: its "tomorrow" is today, so the next days come from this morning's form.
    expect(text).not.toContain(review.next_workout_recommendations[0]!);
    expect(text).toMatch(/\*\*Next days\*\*\n- Today: sweet spot/);
  });

  it('last ride today: the next days are the review\'s own, from tomorrow on', () => {
    const s = snapshotFor({ lastRideDay: TODAY });
    const text = answerFromNumbers('last_ride', s);
    for (const line of reviewRide(s.lastRide!.review).next_workout_recommendations) expect(text).toContain(`- ${line}`);
    expect(text).toMatch(/\*\*Next days\*\*\n- Tomorrow: /);
  });

  it.each<[string | null, string]>([
    ['2024-11-13', 'today (Wed 13 Nov)'],
    ['2024-11-10', 'Sun 10 Nov'],
    ['2023-12-29', 'Fri 29 Dec 2023'],
    [null, 'date unknown'],
  ])('last ride on %s reads "%s"', (day, words) => {
    expect(answerFromNumbers('last_ride', snapshotFor({ lastRideDay: day }))).toContain(`**Last ride: ${words}**`);
  });

  it('week load: this week against the three before, each with load, rides, hours and distance', () => {
    const s = snapshotFor();
    const text = answerFromNumbers('week_load', s);
    expect(text).toContain(`**This week** (since Mon 11 Nov, 3 days): load ${Math.round(s.weeks[0]!.load)}, 1 ride, 2 h 00 min, 57.6 km.`);
    expect(text).toContain('**The 3 weeks before** averaged load 350, 4 rides, 7 h 10 min, 203 km');
    expect(text).toContain('- Week of Mon 4 Nov: load 400, 4 rides, 8 h 00 min, 230 km');
    expect(text).toContain('- Week of Mon 21 Oct: load 300, 3 rides, 6 h 30 min, 180 km');
    expect(text).toContain(`At this pace the week ends near ${Math.round((s.weeks[0]!.load / 3) * 7)}, against your usual 350: a light week`);
  });

  it('week load when the weeks before are empty: nothing to compare yet', () => {
    const s = snapshotFor();
    const quiet = { ...s, weeks: [s.weeks[0]!, ...s.weeks.slice(1).map((w) => ({ ...w, load: 0, rides: 0, movingS: 0, distanceM: 0 }))] };
    expect(answerFromNumbers('week_load', quiet)).toContain('No rides in the weeks before');
  });

  it('FTP: watts, W/kg, the seven Coggan zones in whole watts, Friel HR zones on LTHR', () => {
    const text = answerFromNumbers('ftp', snapshotFor());
    expect(text).toContain('**FTP 265 W** · 3.68 W/kg at 72 kg');
    // Lower bounds 145.75, 198.75, 238.5, 278.25, 318, 397.5 W: a whole watt is in a zone once it reaches the bound.
    for (const zone of [
      '- Z1 Active recovery: up to 145 W', '- Z2 Endurance: 146-198 W', '- Z3 Tempo: 199-238 W', '- Z4 Threshold: 239-278 W',
      '- Z5 VO2max: 279-317 W', '- Z6 Anaerobic capacity: 318-397 W', '- Z7 Neuromuscular: 398 W and up',
    ]) expect(text).toContain(zone);
    // LTHR 168: 81 % = 136.08, 106 % = 178.08 (Z5c needs more than that).
    expect(text).toContain('(Friel, on LTHR 168 bpm)');
    expect(text).toContain('- Z1 Recovery: up to 136 bpm');
    expect(text).toContain('- Z5c Anaerobic capacity: 179 bpm and up');
    expect(text).not.toContain('/profile ftp');
  });

  it('FTP: the default is said, with how to set it; HR zones wait for max HR or LTHR', () => {
    const text = answerFromNumbers('ftp', snapshotFor({ stored: {} }));
    expect(text).toContain('**FTP 200 W** · 2.67 W/kg at 75 kg');
    expect(text).toContain('200 W is the default, not your number: set yours with /profile ftp 265');
    expect(text).toContain('/profile weight 72.5');
    expect(text).not.toContain('Heart-rate zones');
    expect(text).toContain('/profile maxhr 188 or /profile lthr 168');
  });

  it('FTP: max-HR zones when only max HR is set', () => {
    const text = answerFromNumbers('ftp', snapshotFor({ stored: { ftpW: 250, maxHrBpm: 190 } }));
    expect(text).toContain('(on max HR 190 bpm)');
    expect(text).toContain('- Z1: 95-113 bpm');
    expect(text).toContain('- Z5: 171 bpm and up');
  });

  it('FTP: a recent 20-min best that puts eFTP above FTP is named, with the command', () => {
    const above = answerFromNumbers('ftp', snapshotFor({ bestRecent20W: 300 }));
    expect(above).toContain('Best 20 min in the last 42 days: 300 W, an eFTP of 285 W, above your FTP: set it with /profile ftp 285.');
    const level = answerFromNumbers('ftp', snapshotFor({ bestRecent20W: 280 }));
    expect(level).toContain('an eFTP of 266 W, in line with your FTP');
  });

  it('with no rides: form, last ride and week say so and how to add one; FTP still answers', () => {
    for (const topic of ['form', 'last_ride', 'week_load'] as const) {
      const text = answerFromNumbers(topic, EMPTY);
      expect(text).toMatch(/^No rides yet/);
      expect(text).toContain('.fit, .gpx or .tcx');
    }
    expect(answerFromNumbers('ftp', EMPTY)).toContain('**FTP 200 W**');
  });

  it('anything else: free questions need an AI key, and what the built-in coach can answer', () => {
    const text = answerFromNumbers('unknown', snapshotFor());
    expect(text).toContain('OPENROUTER_API_KEY');
    expect(text).toContain('README');
    for (const topic of ['**Form**', '**Last ride**', '**This week**', '**FTP and zones**']) expect(text).toContain(topic);
    const failed = answerFromNumbers('unknown', snapshotFor(), { aiConfigured: true });
    expect(failed).not.toContain('OPENROUTER_API_KEY');
    expect(failed).toContain('**FTP and zones**');
  });

  it('only bold, italic and "- " bullets; never null, NaN or undefined', () => {
    for (const s of [snapshotFor(), snapshotFor({ stored: {}, lastRideDay: null, seed: { ctl: 10, atl: 60 } }), EMPTY]) {
      for (const topic of TOPICS) {
        const text = answerFromNumbers(topic, s);
        expect(text).not.toMatch(/null|NaN|undefined|Infinity/);
        expect(text).not.toMatch(/[<>|`#]/);
        expect(text.split('**').length % 2).toBe(1); // bold markers pair up
        for (const line of text.split('\n')) expect(line).not.toMatch(/^\s*[*+]\s|^\s+-/);
      }
    }
  });
});
