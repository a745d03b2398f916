/**
 * Concrete sessions in the rider's watts, and what to ride in the next days
 * from form. Targets are METRICS.md's workout types (% FTP): recovery < 55,
 * endurance 56-75, sweet spot 88-94, threshold 95-105, VO2max 106-120.
 */
import { ATL_DAYS, CTL_DAYS } from '../load.ts';
import type { Form } from './context.ts';
import { FORM_WORDS, formBand, signed, wattRange, watts } from './words.ts';

export type Quality = 'sweet_spot' | 'threshold' | 'vo2max';

function recoverySpin(ftpW: number): string {
  return `a 30-45 min recovery spin under 55 % FTP (under ${watts(ftpW * 0.55)})`;
}

function enduranceRide(ftpW: number, length: string): string {
  return `${length} endurance at 56-75 % FTP (${wattRange(ftpW, 56, 75)})`;
}

const QUALITY: Record<Quality, (ftpW: number) => string> = {
  sweet_spot: (ftp) => `sweet spot, 2 × 20 min at 88-92 % FTP (${wattRange(ftp, 88, 92)}), 5 min easy between`,
  threshold: (ftp) => `threshold, 3 × 10 min at 95-100 % FTP (${wattRange(ftp, 95, 100)}), 5 min easy between`,
  vo2max: (ftp) => `VO2max, 5 × 4 min at 106-115 % FTP (${wattRange(ftp, 106, 115)}), 4 min easy between`,
};

function qualitySession(quality: Quality, ftpW: number): string {
  return QUALITY[quality](ftpW);
}

/** Rest days (no load) until TSB reaches `target`, by the PMC's own decay; at most a week. */
function restDaysTo(form: Form, target: number): number {
  const kCtl = 1 - Math.exp(-1 / CTL_DAYS);
  const kAtl = 1 - Math.exp(-1 / ATL_DAYS);
  let { ctl, atl } = form;
  for (let day = 1; day <= 7; day++) {
    ctl -= ctl * kCtl;
    atl -= atl * kAtl;
    if (ctl - atl >= target) return day;
  }
  return 7;
}

export interface NextDaysInput {
  /** Form the first advised day starts with (its TSB); null when unknown. */
  form: Form | null;
  ftpW: number;
  /** The ride just done (or the latest one) was hard: no quality the next day. */
  afterHard: boolean;
  /** The quality session a fresh rider gets: vary it from the one just ridden. */
  freshQuality: Quality;
  /** "Tomorrow" after a ride; "Today" when the rider asks in the morning. */
  firstDay: 'Today' | 'Tomorrow';
}

/** One to three lines, the first day first, each with a session in watts. */
export function nextDays(input: NextDaysInput): string[] {
  const { form, ftpW, afterHard, freshQuality, firstDay } = input;
  const second = firstDay === 'Today' ? 'Tomorrow' : 'The day after';
  if (!form) {
    return afterHard
      ? [`${firstDay}: ${enduranceRide(ftpW, '60-90 min')} or ${recoverySpin(ftpW)}, no efforts after a hard day.`,
        `${second}: if the legs feel good, ${qualitySession('sweet_spot', ftpW)}.`]
      : [`${firstDay}: if the legs feel good, ${qualitySession('sweet_spot', ftpW)}; if not, ${enduranceRide(ftpW, '60-90 min')}.`];
  }
  const tsb = `TSB ${signed(form.tsb)}`;
  switch (formBand(form.tsb)) {
    case 'deep_fatigue': {
      const days = restDaysTo(form, -10);
      return [
        `${firstDay}: rest, or ${recoverySpin(ftpW)}. At ${tsb} you are ${FORM_WORDS.deep_fatigue}: absorb the work before adding more.`,
        `Then easy days only: ${enduranceRide(ftpW, '60-90 min')}, until TSB is back above -10 (about ${days} ${days === 1 ? 'day' : 'days'} with rest).`,
      ];
    }
    case 'tired':
      return [
        afterHard
          ? `${firstDay}: ${recoverySpin(ftpW)}, or rest. You are tired (${tsb}) after a hard day.`
          : `${firstDay}: ${enduranceRide(ftpW, '60-90 min')}, no efforts: you are tired (${tsb}).`,
        `The next quality session once TSB is above -10: ${qualitySession('sweet_spot', ftpW)}.`,
      ];
    case 'balanced':
      return afterHard
        ? [`${firstDay}: ${enduranceRide(ftpW, '60-90 min')}: recover from the hard day (${tsb}).`,
          `${second}: ${qualitySession('sweet_spot', ftpW)}.`]
        : [`${firstDay}: ${qualitySession('sweet_spot', ftpW)}. Form is balanced (${tsb}), so quality fits.`,
          `${second}: ${enduranceRide(ftpW, '60-90 min')}.`];
    case 'fresh':
      return [
        `${firstDay}: ${qualitySession(freshQuality, ftpW)}. You are fresh (${tsb}): use it.`,
        `${second}: ${enduranceRide(ftpW, '1.5-2 h')}.`,
      ];
    case 'very_fresh':
      return [
        `${firstDay}: ${qualitySession(freshQuality, ftpW)}. You are very fresh (${tsb}).`,
        `${second}: ${enduranceRide(ftpW, '2-3 h')}.`,
        `With TSB this high fitness is fading: plan 3-4 rides this week to rebuild the rhythm.`,
      ];
  }
}
