import { describe, expect, it } from 'vitest';
import {
  airDensityKgM3,
  cadenceAtSpeedRpm,
  developmentM,
  KNOWN_CASSETTES,
  minimumGear,
  parseCassette,
  parseChainrings,
  powerForSpeedW,
  speedAtCadenceMps,
  speedForPowerMps,
} from '../../src/domain/physics.ts';
import { refusalOf } from '../support/refusal.ts';
const refusal = (fn: () => unknown) => refusalOf(fn);

const RIDER = { massKg: 75 + 9 }; // METRICS.md defaults: rider 75 kg + bike 9 kg
const G = 9.80665;

/**
 * Independent check: the one real root of a·v³ + b·v − P = 0 (b >= 0) by
 * Cardano's formula, v = ∛(−q/2 + √Δ) + ∛(−q/2 − √Δ) with p = b/a, q = −P/a.
 */
function cardanoSpeed(powerW: number, grade: number, rho = 1.225): number {
  const theta = Math.atan(grade);
  const a = 0.5 * rho * 0.32;
  const b = 84 * G * (Math.sin(theta) + 0.004 * Math.cos(theta));
  const p = b / a;
  const q = -(powerW * 0.97) / a;
  const delta = (q / 2) ** 2 + (p / 3) ** 3;
  return Math.cbrt(-q / 2 + Math.sqrt(delta)) + Math.cbrt(-q / 2 - Math.sqrt(delta));
}

describe('air density (barometric formula, isothermal 15 °C)', () => {
  it('is 1.225 kg/m³ at sea level and falls with altitude', () => {
    // H = R·T/(M·g) = 8.31446 × 288.15 / (0.0289644 × 9.80665) = 8,434.6 m
    expect(airDensityKgM3(0)).toBeCloseTo(1.225, 6);
    expect(airDensityKgM3(1000)).toBeCloseTo(1.225 * Math.exp(-1000 / 8434.6), 4); // 1.0880
    expect(airDensityKgM3(2000)).toBeCloseTo(0.9664, 4); // 1.225 × e^−0.23712
  });
});

describe('speed for power', () => {
  it('250 W on the flat at sea level with the defaults is about 36.8 km/h', () => {
    // 0.196·v³ + 3.295·v = 242.5 W (250 W less 3 %): Cardano gives v = 10.214 m/s = 36.77 km/h.
    const v = speedForPowerMps(250, 0, RIDER);
    expect(v).toBeCloseTo(cardanoSpeed(250, 0), 4);
    expect(v * 3.6).toBeCloseTo(36.77, 1);
  });

  it('300 W up 8 % is about 14.5 km/h, mostly against gravity', () => {
    // m·g·(sin θ + Crr·cos θ) = 823.8 N × 0.0837 = 69.0 N; 291 W ≈ 69.0·v + 0.196·v³ -> v ≈ 4.03 m/s.
    const v = speedForPowerMps(300, 0.08, RIDER);
    expect(v).toBeCloseTo(cardanoSpeed(300, 0.08), 4);
    expect(v * 3.6).toBeCloseTo(14.5, 0);
  });

  it('is faster in thinner air', () => {
    const high = speedForPowerMps(250, 0, { ...RIDER, altitudeM: 2000 });
    expect(high).toBeCloseTo(cardanoSpeed(250, 0, airDensityKgM3(2000)), 4);
    expect(high).toBeGreaterThan(speedForPowerMps(250, 0, RIDER) + 0.5);
  });

  it('coasts down a shallow descent at √(−b/a) and is capped at 60 km/h on a steep one', () => {
    const theta = Math.atan(-0.02);
    const b = 84 * G * (Math.sin(theta) + 0.004 * Math.cos(theta));
    expect(speedForPowerMps(0, -0.02, RIDER)).toBeCloseTo(Math.sqrt(-b / 0.196), 3); // ≈ 8.2 m/s
    expect(speedForPowerMps(0, -0.1, RIDER)).toBe(60 / 3.6); // coasting would be ≈ 72 km/h
    expect(speedForPowerMps(200, -0.1, { ...RIDER, maxSpeedMps: 100 })).toBeGreaterThan(20);
  });

  it('inverts powerForSpeedW on climbs, flats and descents', () => {
    for (const grade of [-0.12, -0.05, -0.01, 0, 0.03, 0.1, 0.2]) {
      for (const watts of [50, 150, 300]) {
        const v = speedForPowerMps(watts, grade, { ...RIDER, altitudeM: 800, maxSpeedMps: 1000 });
        expect(powerForSpeedW(v, grade, { ...RIDER, altitudeM: 800 })).toBeCloseTo(watts, 3);
      }
    }
  });
});

describe('gearing input', () => {
  it('reads chainrings, largest first', () => {
    expect(parseChainrings('50/34')).toEqual([50, 34]);
    expect(parseChainrings('34/50')).toEqual([50, 34]);
    expect(parseChainrings(' 53-39 ')).toEqual([53, 39]);
    expect(parseChainrings('48/35/24')).toEqual([48, 35, 24]);
    expect(parseChainrings('40')).toEqual([40]);
  });

  it.each(['', 'fifty', '50/34/24/22', '5/3', '50/50', '50.5/34'])('refuses chainrings %j', (text) => {
    expect(refusal(() => parseChainrings(text)).code).toBe('bad_chainrings');
  });

  it('maps known ranges to real cassettes', () => {
    expect(parseCassette('11-32')).toEqual([11, 12, 13, 14, 16, 18, 20, 22, 25, 28, 32]);
    expect(parseCassette('11-28')).toEqual([11, 12, 13, 14, 15, 17, 19, 21, 23, 25, 28]);
    expect(parseCassette('10 - 33')).toEqual([10, 11, 12, 13, 14, 15, 17, 19, 21, 24, 28, 33]);
    for (const [range, { speeds, cogs }] of Object.entries(KNOWN_CASSETTES)) {
      expect(cogs, range).toHaveLength(speeds);
      expect(`${cogs[0]}-${cogs[cogs.length - 1]}`).toBe(range);
      expect(cogs.every((c, i) => i === 0 || c > (cogs[i - 1] as number)), range).toBe(true);
    }
  });

  it('reads a full list of sprockets, smallest first', () => {
    expect(parseCassette('28,11,12,13,14,15,17,19,21,24')).toEqual([11, 12, 13, 14, 15, 17, 19, 21, 24, 28]);
    expect(parseCassette('11 12 13 14 15')).toEqual([11, 12, 13, 14, 15]);
  });

  it('refuses an unknown range with a sentence naming it', () => {
    const e = refusal(() => parseCassette('11-39'));
    expect(e.code).toBe('bad_cassette');
    expect(e.riderMessage).toContain('11-39');
  });

  it.each(['', 'eleven to 32', '11,12,12,13,14,15', '11,12', '5,6,7,8,9'])('refuses cassette %j', (text) => {
    expect(refusal(() => parseCassette(text)).code).toBe('bad_cassette');
  });
});

describe('gears', () => {
  const gearing = { chainrings: [50, 34], cogs: parseCassette('11-32'), wheelCircumferenceM: 2.105, cadenceFloorRpm: 70 };

  it('computes development and cadence (speed = cadence/60 × circumference × ring/cog)', () => {
    expect(developmentM(50, 11, 2.105)).toBeCloseTo(9.568, 3);
    expect(speedAtCadenceMps(34, 28, 70, 2.105)).toBeCloseTo((70 / 60) * 2.105 * (34 / 28), 9); // 2.982 m/s
    expect(cadenceAtSpeedRpm(34, 28, 2.982, 2.105)).toBeCloseTo(70, 1);
  });

  it('picks the largest ratio that still allows the cadence floor', () => {
    // 3.0 m/s at 70 rpm needs a ratio <= 3.0·60/(70·2.105) = 1.2216: 34/28 = 1.214 fits, 34/25 = 1.36 does not.
    const advice = minimumGear(3.0, gearing);
    expect(advice.kind).toBe('ok');
    if (advice.kind !== 'ok') return;
    expect([advice.gear.chainring, advice.gear.cog]).toEqual([34, 28]);
    expect(advice.cadenceRpm).toBeCloseTo(70.42, 1);
    expect(advice.easierGearsLeft).toBe(1); // 34/32
  });

  it('compares ratios across both rings', () => {
    // 6 m/s needs <= 2.443: 34/14 = 2.429 beats 50/22 = 2.273 (50/20 = 2.5 is too big).
    const slow = minimumGear(6, gearing);
    expect(slow.kind === 'ok' && [slow.gear.chainring, slow.gear.cog]).toEqual([34, 14]);
    // 9 m/s needs <= 3.665: 50/14 = 3.571 (50/13 = 3.846 is too big, 34/11 = 3.09 is smaller).
    const fast = minimumGear(9, gearing);
    expect(fast.kind === 'ok' && [fast.gear.chainring, fast.gear.cog]).toEqual([50, 14]);
  });

  it('never advises a cross-chained gear: big ring on the two largest cogs, small ring on the two smallest', () => {
    const compact = { ...gearing, chainrings: [52, 36], cogs: parseCassette('11-34') };
    // needs <= 1.75: 52/30 = 1.733 is crossed, so 36/21 = 1.714
    const climbing = minimumGear((1.75 * 70 * 2.105) / 60, compact);
    expect(climbing.kind === 'ok' && [climbing.gear.chainring, climbing.gear.cog]).toEqual([36, 21]);
    // needs <= 3.1: 52/17 = 3.06 (36/13 = 2.77 would be crossed anyway)
    const fast = minimumGear((3.1 * 70 * 2.105) / 60, compact);
    expect(fast.kind === 'ok' && [fast.gear.chainring, fast.gear.cog]).toEqual([52, 17]);
    // a single ring (1x) uses every cog
    const oneBy = minimumGear(1, { ...gearing, chainrings: [40], cogs: parseCassette('10-44') });
    expect(oneBy.kind === 'ok' ? oneBy.gear.cog : oneBy.easiest.cog).toBe(44);
  });

  it('says "beyond your gears" on a 25 % wall with 50/34 and 11-28', () => {
    // 176 W (88 % of 200 W) up 25 %: 84 kg × g × (sin 14.04° + 0.004 cos) = 203 N -> v ≈ 0.84 m/s.
    // 34/28 moves 2.556 m per turn -> ≈ 20 rpm, far below 70.
    const speed = speedForPowerMps(176, 0.25, RIDER);
    expect(speed).toBeCloseTo(0.84, 1);
    const advice = minimumGear(speed, { ...gearing, cogs: parseCassette('11-28') });
    expect(advice.kind).toBe('beyond_gears');
    if (advice.kind !== 'beyond_gears') return;
    expect([advice.easiest.chainring, advice.easiest.cog]).toEqual([34, 28]);
    expect(advice.cadenceRpm).toBeCloseTo((speed * 60) / developmentM(34, 28, 2.105), 6);
    expect(advice.cadenceRpm).toBeLessThan(25);
    expect(advice.ratioNeeded).toBeCloseTo((speed * 60) / (70 * 2.105), 9);
  });
});
