import { describe, expect, it } from 'vitest';
import { quotedNumberMismatches } from '../../../src/domain/coach/quoted-numbers.ts';
import { rideMetrics } from '../../support/metrics.ts';

/** A ride's metrics with only NP and TSS (what the check reads) set. */
const metrics = (np: number | null, tss: number | null) => rideMetrics({ normalizedPowerW: np, tss, load: tss });

/** NP 231.4 W (3 %: ±6.94 W), TSS 103.2 (3 %: ±3.096). */
const m = metrics(231.4, 103.2);

const npNote = (quoted: string, ours = '231 W') =>
  `⚠️ The coach’s words quote ${quoted}, but this ride’s NP is ${ours}: the numbers above are ours, from your file.`;
const tssNote = (quoted: string, ours = '103') =>
  `⚠️ The coach’s words quote ${quoted}, but this ride’s TSS is ${ours}: the numbers above are ours, from your file.`;

describe('quotedNumberMismatches: quotes that are ours', () => {
  it('accepts our NP and TSS however the words put them', () => {
    expect(quotedNumberMismatches('A solid hour: NP 231 W and TSS 103.', m)).toEqual([]);
    expect(quotedNumberMismatches('Your normalised power of 231 W was steady.', m)).toEqual([]);
    expect(quotedNumberMismatches('Your normalized power was 231 W.', m)).toEqual([]);
    expect(quotedNumberMismatches('NP: 231W, TSS: 103.2', m)).toEqual([]);
    expect(quotedNumberMismatches('np 231.4 w, tss of 103', m)).toEqual([]);
  });

  it('accepts a quote within 3 % of ours (rounding, "about"), and not one just beyond', () => {
    // 231.4 x 0.03 = 6.94: 225 and 238 are ours, 224 and 239 are not
    expect(quotedNumberMismatches('NP about 225 W', m)).toEqual([]);
    expect(quotedNumberMismatches('NP about 238 W', m)).toEqual([]);
    expect(quotedNumberMismatches('NP about 224 W', m)).toEqual([npNote('NP 224 W')]);
    expect(quotedNumberMismatches('NP about 239 W', m)).toEqual([npNote('NP 239 W')]);
    // 103.2 x 0.03 = 3.096: 101 and 106 are ours, 100 and 107 are not
    expect(quotedNumberMismatches('TSS around 101', m)).toEqual([]);
    expect(quotedNumberMismatches('TSS around 106', m)).toEqual([]);
    expect(quotedNumberMismatches('TSS around 100', m)).toEqual([tssNote('TSS 100')]);
    expect(quotedNumberMismatches('TSS around 107', m)).toEqual([tssNote('TSS 107')]);
  });

  it('allows at least 1 either side of a small value', () => {
    const small = metrics(null, 20); // 3 % of 20 is 0.6: the margin is 1
    expect(quotedNumberMismatches('TSS 21', small)).toEqual([]);
    expect(quotedNumberMismatches('TSS 19', small)).toEqual([]);
    expect(quotedNumberMismatches('TSS 22', small)).toEqual([tssNote('TSS 22', '20')]);
  });

  it('says nothing when the words quote no NP or TSS', () => {
    expect(quotedNumberMismatches('', m)).toEqual([]);
    expect(quotedNumberMismatches('A good steady ride at 180 W average, 45 km in 1 h 30 min, HR 142.', m)).toEqual([]);
    expect(quotedNumberMismatches('Keep the NP steady and watch your TSS next week.', m)).toEqual([]);
  });
});

describe('quotedNumberMismatches: quotes that are not ours', () => {
  it('a wrong NP: one note naming the quote and our value', () => {
    expect(quotedNumberMismatches('Your NP of 250 W shows good form; TSS 103.', m)).toEqual([npNote('NP 250 W')]);
    expect(quotedNumberMismatches('normalized power: 180 W', m)).toEqual([npNote('NP 180 W')]);
  });

  it('a wrong TSS: one note naming the quote and our value', () => {
    expect(quotedNumberMismatches('NP 231 W for a TSS of 120.', m)).toEqual([tssNote('TSS 120')]);
    expect(quotedNumberMismatches('TSS 87.5 today', m)).toEqual([tssNote('TSS 87.5')]);
  });

  it('accepts a planned TSS given in otherTss, only for TSS, and still flags other values', () => {
    const text = 'You rode TSS 103 against a planned TSS 80.';
    expect(quotedNumberMismatches(text, m)).toEqual([tssNote('TSS 80')]);
    expect(quotedNumberMismatches(text, m, [80.4])).toEqual([]);
    expect(quotedNumberMismatches('TSS 80 planned, TSS 150 said', m, [80.4])).toEqual([tssNote('TSS 150')]);
    // otherTss is not an NP
    expect(quotedNumberMismatches('NP 80 W', metrics(231.4, 80), [80])).toEqual([npNote('NP 80 W')]);
  });

  it('both wrong in one text: two notes, NP first', () => {
    expect(quotedNumberMismatches('TSS 140 from an NP of 260 W.', m)).toEqual([npNote('NP 260 W'), tssNote('TSS 140')]);
  });

  it('several wrong values of one metric: one note naming each once, in the order quoted', () => {
    const text = 'NP 250 W in the first half, NP 210 W in the second, NP 231 W overall; again NP 250 W.';
    expect(quotedNumberMismatches(text, m)).toEqual([npNote('NP 250 W and NP 210 W')]);
    expect(quotedNumberMismatches('TSS 90, TSS 120', m)).toEqual([tssNote('TSS 90 and TSS 120')]);
  });

  it('a ride with no NP: any quoted NP is wrong, "this ride has no NP"', () => {
    const hrOnly = metrics(null, null);
    expect(quotedNumberMismatches('Your NP of 200 W was fine.', hrOnly)).toEqual([
      '⚠️ The coach’s words quote NP 200 W, but this ride has no NP: the numbers above are ours, from your file.',
    ]);
    expect(quotedNumberMismatches('TSS 60', hrOnly)).toEqual([
      '⚠️ The coach’s words quote TSS 60, but this ride has no TSS: the numbers above are ours, from your file.',
    ]);
    // without a TSS of its own, only the planned TSS is accepted
    expect(quotedNumberMismatches('planned TSS 60', hrOnly, [60])).toEqual([]);
  });
});
