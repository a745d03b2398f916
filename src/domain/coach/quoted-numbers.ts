/**
 * The ride's numbers are ours; a model's words may still quote others. We
 * read the two a rider would take as the ride's own, NP and TSS, where the
 * words quote them, and say so when a quoted value is not ours (within
 * rounding) nor one of the other values we gave (the planned TSS).
 */
import type { RideMetrics } from '../ride.ts';
import { whole } from './words.ts';

/** Rounding and "about": a quote this close to ours is ours. */
const TOLERANCE = 0.03;

const QUOTES = [
  { label: 'NP', unit: ' W', pattern: /\b(?:NP|normali[sz]ed power)\b[^0-9\n]{0,16}?(\d{2,4}(?:\.\d+)?)\s*W\b/gi, ours: (m: RideMetrics) => m.normalizedPowerW },
  { label: 'TSS', unit: '', pattern: /\bTSS\b[^0-9\n]{0,12}?(\d{1,4}(?:\.\d+)?)/gi, ours: (m: RideMetrics) => m.tss },
] as const;

/**
 * One sentence per number the text quotes wrongly; empty when every quote is
 * ours. `otherTss`: TSS values we gave the model that are not the ride's (a
 * planned workout's), which it may quote.
 */
export function quotedNumberMismatches(text: string, metrics: RideMetrics, otherTss: readonly number[] = []): string[] {
  const notes: string[] = [];
  for (const quote of QUOTES) {
    const ours = quote.ours(metrics);
    const allowed = [...(ours === null ? [] : [ours]), ...(quote.label === 'TSS' ? otherTss : [])];
    const wrong = new Set<string>();
    for (const match of text.matchAll(quote.pattern)) {
      const value = Number(match[1]);
      if (!allowed.some((a) => Math.abs(value - a) <= Math.max(1, a * TOLERANCE))) wrong.add(`${quote.label} ${match[1]}${quote.unit}`);
    }
    if (wrong.size === 0) continue;
    const truth = ours === null ? `this ride has no ${quote.label}` : `this ride’s ${quote.label} is ${whole(ours)}${quote.unit}`;
    notes.push(`⚠️ The coach’s words quote ${[...wrong].join(' and ')}, but ${truth}: the numbers above are ours, from your file.`);
  }
  return notes;
}
