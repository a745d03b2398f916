/**
 * Plausible, deterministic chart inputs for the chart tests and bench/charts.bench.ts:
 * a hilly route, a 1 Hz ride, 90 days of training load, a power curve, weekly totals.
 */
import type { ElevationProfileInput } from '../../src/charts/elevation.ts';
import type { FitnessChartInput } from '../../src/charts/fitness.ts';
import type { PowerCurveInput } from '../../src/charts/power-curve.ts';
import type { RideChartInput } from '../../src/charts/ride.ts';
import type { WeeklyLoadInput } from '../../src/charts/weekly-load.ts';
import { random } from '../support/random.ts';


/** A 120 km route between 800 and ~1,500 m: four climbs (two close together) on rolling ground. */
export function syntheticRoute(points = 8000, lengthM = 120_000): ElevationProfileInput {
  const rand = random(7);
  // Each hill: centre (m), half-width (m), height (m): a smooth bump whose rising half is the climb.
  const hills = [
    { at: 18_000, half: 6_000, height: 380, label: 'Cat 2 · 6.3 %' },
    { at: 52_000, half: 3_000, height: 160, label: 'Cat 4 · 5.2 %' },
    { at: 60_500, half: 2_500, height: 150, label: 'Cat 4 · 5.8 %' },
    { at: 95_000, half: 9_000, height: 640, label: 'Cat 1 · 7.1 %' },
  ];
  const distanceM: number[] = [];
  const eleM: number[] = [];
  for (let i = 0; i < points; i++) {
    const d = (i / (points - 1)) * lengthM;
    let e = 820 + 30 * Math.sin(d / 4_000) + rand() * 1.5;
    for (const h of hills) {
      const u = (d - h.at) / h.half;
      if (Math.abs(u) < 1) e += (h.height * (1 + Math.cos(Math.PI * u))) / 2;
    }
    distanceM.push(d);
    eleM.push(e);
  }
  return {
    title: 'Alpine loop · 120 km',
    distanceM,
    eleM,
    climbs: hills.map((h) => ({ startM: h.at - h.half, endM: h.at, label: h.label })),
  };
}

/** A 1 Hz ride: 4x6 min intervals, climbs, coasting, HR lagging power, a sensor dropout. */
export function syntheticRide(seconds = 18_000): RideChartInput {
  const rand = random(42);
  const timeS: number[] = [];
  const powerW: (number | null)[] = [];
  const hrBpm: (number | null)[] = [];
  const cadenceRpm: (number | null)[] = [];
  let hr = 95;
  for (let t = 0; t < seconds; t++) {
    const hill = 40 * Math.sin(t / 900);
    const interval = t % 1800 > 1200 && t % 1800 < 1560 ? 110 : 0;
    const coasting = hill < -30 && rand() < 0.5;
    const power = coasting ? 0 : Math.max(0, Math.round(185 + hill + interval + 60 * (rand() - 0.5)));
    hr += (95 + power * 0.27 - hr) / 30;
    timeS.push(t);
    const dropout = t > seconds * 0.6 && t < seconds * 0.6 + 240; // power meter lost for 4 minutes
    powerW.push(dropout ? null : power);
    hrBpm.push(Math.round(hr));
    cadenceRpm.push(coasting ? 0 : Math.round(84 + rand() * 10));
  }
  return { title: 'Sunday long ride', timeS, powerW, hrBpm, cadenceRpm };
}

/** 90 days of daily TSS with rest days and a build, CTL/ATL as 42/7-day exponential averages. */
export function syntheticFitness(days = 90): FitnessChartInput {
  const rand = random(3);
  const out: FitnessChartInput = { title: 'Fitness & form · last 90 days', days: [], ctl: [], atl: [], tsb: [], load: [] };
  let ctl = 45;
  let atl = 50;
  const start = Date.UTC(2024, 2, 4);
  for (let d = 0; d < days; d++) {
    const weekday = d % 7;
    const restWeek = Math.floor(d / 7) % 4 === 3;
    let load = weekday === 0 || weekday === 4 ? 0 : 40 + rand() * 70;
    if (weekday === 6) load = 150 + rand() * 120;
    if (restWeek) load *= 0.5;
    const tsb = ctl - atl; // form is yesterday's fitness minus fatigue
    ctl += (load - ctl) / 42;
    atl += (load - atl) / 7;
    out.days.push(new Date(start + d * 86_400_000).toISOString().slice(0, 10));
    out.load.push(Math.round(load));
    out.ctl.push(ctl);
    out.atl.push(atl);
    out.tsb.push(tsb);
  }
  return out;
}

/** Critical-power shaped curves (CP 265 W, W' 20 kJ, sprint capped), recent a little below best. */
export function syntheticPowerCurve(): PowerCurveInput {
  const durationsS = [1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2400, 3600, 5400, 7200, 10800, 14400];
  const model = (t: number, cp: number) => Math.min(1150, cp + 20_000 / t) * (t > 3600 ? 1 - 0.06 * Math.log(t / 3600) : 1);
  return {
    title: 'Power curve',
    durationsS,
    recentW: durationsS.map((t) => (t > 10_000 ? null : Math.round(model(t, 250) * 0.97))),
    bestW: durationsS.map((t) => Math.round(model(t, 265))),
    recentLabel: 'Last 42 days',
    bestLabel: 'Best (12 months)',
  };
}

export function syntheticWeeks(weeks = 12): WeeklyLoadInput {
  const rand = random(11);
  const out: WeeklyLoadInput = { title: 'Weekly load', weeks: [], tss: [], hours: [] };
  for (let w = 0; w < weeks; w++) {
    const hours = (w % 4 === 3 ? 5 : 8 + w * 0.3) + rand() * 2;
    out.weeks.push(new Date(Date.UTC(2024, 2, 4) + w * 7 * 86_400_000).toISOString().slice(0, 10));
    out.hours.push(Math.round(hours * 10) / 10);
    out.tss.push(Math.round(hours * (55 + rand() * 15)));
  }
  return out;
}
