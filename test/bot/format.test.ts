import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration } from '../../src/bot/format.ts';

describe('formatDuration', () => {
  it('reads as a rider says it, to the nearest minute from a minute up', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45.4)).toBe('45 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(12 * 60 + 29)).toBe('12 min');
    expect(formatDuration(3599)).toBe('1 h 00 min'); // not "60 min"
    expect(formatDuration(5399)).toBe('1 h 30 min'); // a 5,400-sample ride lasts 5,399 s
    expect(formatDuration(8356)).toBe('2 h 19 min');
    expect(formatDuration(-5)).toBe('0 s');
  });
});

describe('formatDateTime', () => {
  it('writes the time in the rider’s zone', () => {
    const t = new Date('2026-06-01T06:30:00Z');
    expect(formatDateTime(t, 'Europe/Berlin')).toBe('1 Jun 2026, 08:30');
    expect(formatDateTime(t, 'America/Denver')).toBe('1 Jun 2026, 00:30');
  });
});
