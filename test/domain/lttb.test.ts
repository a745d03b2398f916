import { describe, expect, it } from 'vitest';
import { lttb } from '../../src/domain/lttb.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('lttb', () => {
  it('returns exactly `threshold` points, starting and ending with the input endpoints', () => {
    const xs = range(10_000);
    const ys = xs.map((x) => Math.sin(x / 50) * 100 + (x % 7));
    const out = lttb(xs, ys, 500);
    expect(out.xs).toHaveLength(500);
    expect(out.ys).toHaveLength(500);
    expect([out.xs[0], out.ys[0]]).toEqual([0, ys[0]]);
    expect([out.xs.at(-1), out.ys.at(-1)]).toEqual([9_999, ys[9_999]]);
  });

  it('returns input no longer than the threshold unchanged', () => {
    const xs = range(50).map((x) => x * 2);
    const ys = xs.map((x) => x * x);
    expect(lttb(xs, ys, 100)).toEqual({ xs, ys });
    expect(lttb(xs, ys, 50)).toEqual({ xs, ys });
  });

  it('keeps the one spike in an otherwise flat series', () => {
    const xs = range(18_000);
    const ys = xs.map((x) => (x === 12_346 ? 900 : 200));
    const out = lttb(xs, ys, 1_200);
    expect(out.ys).toContain(900);
    expect(out.xs[out.ys.indexOf(900)]).toBe(12_346);
  });

  it('keeps the extremes of a wave, where a plain stride would miss them', () => {
    const xs = range(9_000);
    const ys = xs.map((x) => Math.sin((x * 2 * Math.PI) / 997)); // period not a multiple of the bucket size
    const out = lttb(xs, ys, 300);
    expect(Math.max(...out.ys)).toBeGreaterThan(0.999);
    expect(Math.min(...out.ys)).toBeLessThan(-0.999);
  });

  it('only returns points of the input, in x order', () => {
    const xs = range(5_000).map((x) => x * 1.5);
    const ys = xs.map((x) => Math.round(Math.cos(x / 30) * 50 + x / 100));
    const out = lttb(xs, ys, 400);
    const input = new Map(xs.map((x, i) => [x, ys[i]]));
    out.xs.forEach((x, i) => expect(input.get(x)).toBe(out.ys[i]));
    expect([...out.xs].sort((a, b) => a - b)).toEqual(out.xs);
  });

  it('treats nulls as gaps: one NaN break per gap, run endpoints kept, nothing invented across it', () => {
    const xs = range(10_000);
    const ys: (number | null)[] = xs.map((x) => (x >= 4_000 && x < 4_600 ? null : 100 + (x % 13)));
    const out = lttb(xs, ys, 1_000);
    const breaks = out.ys.flatMap((y, i) => (Number.isNaN(y) ? [i] : []));
    expect(breaks).toHaveLength(1);
    const at = breaks[0]!;
    expect(out.xs[at - 1]).toBe(3_999); // last sample before the gap
    expect(out.xs[at + 1]).toBe(4_600); // first sample after it
    const drawn = out.xs.filter((_, i) => !Number.isNaN(out.ys[i]!));
    expect(drawn.some((x) => x >= 4_000 && x < 4_600)).toBe(false);
    expect(out.xs.length).toBeLessThanOrEqual(1_002);
    expect(out.xs.length).toBeGreaterThanOrEqual(990);
  });

  it('drops leading and trailing gaps, and NaN counts as a gap like null', () => {
    const xs = range(3_000);
    const ys = xs.map((x) => (x < 100 || x >= 2_900 ? Number.NaN : x % 50));
    const out = lttb(xs, ys, 200);
    expect(out.xs[0]).toBe(100);
    expect(out.xs.at(-1)).toBe(2_899);
    expect(out.ys.some((y) => Number.isNaN(y))).toBe(false);
  });

  it('returns nothing to draw for an all-null series', () => {
    const out = lttb(range(5_000), new Array<null>(5_000).fill(null), 100);
    expect(out.ys.filter((y) => Number.isFinite(y))).toEqual([]);
  });

  it('keeps at least the endpoints when the threshold is tiny', () => {
    expect(lttb([0, 1, 2, 3, 4], [5, 9, 1, 7, 3], 1)).toEqual({ xs: [0, 4], ys: [5, 3] });
  });
});
