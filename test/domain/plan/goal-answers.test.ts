import { describe, expect, it } from 'vitest';
import { parseEventDate, parseRidingDays, parseWeeklyHours } from '../../../src/domain/plan/goal-answers.ts';

const TODAY = '2026-12-02';

describe('parseEventDate', () => {
  it.each([
    ['2027-05-17', '2027-05-17'],
    ['17 May', '2027-05-17'],
    ['May 17th', '2027-05-17'],
    ['17 may 2027', '2027-05-17'],
    ['17/05/2027', '2027-05-17'],
    ['17.5.27', '2027-05-17'],
    ['24 December', '2026-12-24'], // this year's is still ahead
    ['1 Dec', '2027-12-01'], // this year's has passed: next year's
  ])('%s → %s', (text, date) => {
    expect(parseEventDate(text, TODAY)).toEqual({ ok: true, value: date });
  });

  it.each([
    ['next Sunday', 'Send the date like 2027-05-17 or 17 May.'],
    ['2027-02-30', 'Send the date like 2027-05-17 or 17 May.'],
    ['31 Foo', 'Send the date like 2027-05-17 or 17 May.'],
    ['2026-12-02', '2026-12-02 is not ahead of us: send a date after today.'],
    ['2028-01-01', 'Plans run at most a year ahead: send a date before 2027-12-02.'],
  ])('refuses %s with one sentence', (text, message) => {
    expect(parseEventDate(text, TODAY)).toEqual({ ok: false, message });
  });
});

describe('parseWeeklyHours', () => {
  it.each([['6', 6], ['7.5', 7.5], ['7,5', 7.5], ['8 h', 8], ['6h30', 6.5], ['10 hours', 10]])('%s → %d', (text, hours) => {
    expect(parseWeeklyHours(text)).toEqual({ ok: true, value: hours });
  });
  it.each(['0', '40', 'lots', ''])('refuses %j', (text) => {
    expect(parseWeeklyHours(text).ok).toBe(false);
  });
});

describe('parseRidingDays', () => {
  it.each([
    ['Tue Thu Sat Sun', ['tuesday', 'thursday', 'saturday', 'sunday']],
    ['weekdays and sunday', ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'sunday']],
    ['weekends', ['saturday', 'sunday']],
    ['all', ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']],
    ['Mondays, tues and thurs', ['monday', 'tuesday', 'thursday']],
  ])('%s', (text, days) => {
    expect(parseRidingDays(text)).toEqual({ ok: true, value: days });
  });
  it('names the word it does not know', () => {
    expect(parseRidingDays('Tue Thu Funday')).toEqual({ ok: false, message: 'I do not know the day "funday": send days like Tue Thu Sat Sun, or weekdays, weekends, all.' });
    expect(parseRidingDays('and').ok).toBe(false);
  });
});
