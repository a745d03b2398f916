import { describe, expect, it } from 'vitest';
import { visibleLength } from '../../src/bot/messages.ts';
import { proposalMessage, weekCaption, weekToShow } from '../../src/bot/plan-view.ts';
import { html } from '../../src/bot/html.ts';
import { hard, plan, ride, step } from '../support/plans.ts';

// December 2024: Mon 2, Mon 9.
const TODAY = '2024-12-04'; // Wednesday
const week = plan([ride('2024-12-03', 60), hard('2024-12-05', 60), ride('2024-12-08', 120)], '2024-12-03', '2024-12-15');

describe('weekCaption', () => {
  it('marks today, ticks ridden days, says rest and totals, and gives the next workout’s steps in watts', () => {
    const caption = weekCaption({ version: 3, plan: week, monday: '2024-12-02', today: TODAY, completed: new Map([['2024-12-03', 58.4]]), ftpW: 250 });
    expect(caption.split('\n')).toEqual([
      '<b>Plan v3</b> · week of Mon 2 Dec — build',
      'Mon 2 Dec: —', // before the plan began
      'Tue 3 Dec: endurance 60 min, TSS 42 ✓ 58',
      '▶ <b>Wed 4 Dec (today): rest</b>',
      "Thu 5 Dec: threshold 60' 60 min, TSS 100",
      'Fri 6 Dec: rest',
      'Sat 7 Dec: rest',
      'Sun 8 Dec: endurance 2 h 00 min, TSS 85',
      'Planned 4 h 00 min, TSS 227; ridden TSS 58.',
      '<b>Next, Thu 5 Dec:</b> 60 min at 100 % (250 W)',
    ]);
  });

  it('leaves the steps out rather than pass Telegram’s 1024-character caption limit', () => {
    const busy = plan([{ date: '2024-12-05', type: 'vo2max', description: 'many', steps: Array.from({ length: 60 }, (_, i) => step(1, i % 2 ? 50 : 115)) }], '2024-12-03', '2024-12-08');
    const caption = weekCaption({ version: 1, plan: busy, monday: '2024-12-02', today: TODAY, completed: new Map(), ftpW: 250, goalLine: html`🎯 goal` });
    expect(caption).not.toContain('Next,');
    expect(caption).toContain('🎯 goal');
    expect(visibleLength(caption)).toBeLessThanOrEqual(1024);
  });

  it('shows the plan’s week holding today, or its first or last week outside it', () => {
    expect(weekToShow(week, TODAY)).toBe('2024-12-02');
    expect(weekToShow(week, '2024-11-20')).toBe('2024-12-02');
    expect(weekToShow(week, '2025-01-20')).toBe('2024-12-09');
  });
});

describe('proposalMessage', () => {
  it('a first plan lists its weeks; a change to a plan in force lists only the changes and the repairs', () => {
    const first = proposalMessage({ title: html`<b>New plan</b>`, plan: week, current: undefined, repairs: [], today: TODAY });
    expect(first).toContain('<b>Week of Mon 2 Dec</b> — build (4 h 00 min, TSS 227)');
    expect(first).toContain('Thu 5 Dec: threshold 60\' 60 min · IF 1.00, TSS 100');
    expect(first).toContain('Nothing changes until you tap Approve.');

    const moved = plan([ride('2024-12-03', 60), hard('2024-12-06', 60), ride('2024-12-08', 120)], '2024-12-03', '2024-12-15');
    const change = proposalMessage({ title: html`<b>Repair</b>`, plan: moved, current: week, repairs: ['Moved threshold from Thu 5 Dec to Fri 6 Dec.'], today: TODAY });
    expect(change).toContain('<b>Changes to the plan in force:</b>');
    expect(change).toMatch(/Thu 5 Dec → Fri 6 Dec/);
    expect(change).not.toContain('Tue 3 Dec');
    expect(change).toContain('• Moved threshold from Thu 5 Dec to Fri 6 Dec.');
  });
});
