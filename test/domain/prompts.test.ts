import { describe, expect, it } from 'vitest';
import { checkTemplate, placeholdersIn, renderTemplate } from '../../src/domain/prompts.ts';

const CHAT = 'Today {{today}}. {{athlete}} {{fitness}} {{recent_rides}} {{plan}} {{rules}}';

describe('prompt templates', () => {
  it('finds placeholders once each, with or without spaces inside the braces', () => {
    expect(placeholdersIn('{{ today }} and {{today}} then {{athlete}}, not {today} or {{two words}}')).toEqual(['today', 'athlete']);
  });

  it('accepts a template that uses exactly its action placeholders', () => {
    expect(checkTemplate('coach_chat', CHAT)).toBeNull();
  });

  it('lists unknown and missing placeholders', () => {
    expect(checkTemplate('coach_chat', `${CHAT.replace('{{fitness}}', '')} {{gps_track}}`)).toEqual({ unknown: ['gps_track'], missing: ['fitness'] });
    expect(checkTemplate('rule_parsing', 'Parse {{rule_text}}')).toEqual({ unknown: [], missing: ['current_rules'] });
  });

  it('fills every placeholder with our values, as they are', () => {
    const text = renderTemplate<'coach_chat'>(CHAT, {
      today: 'Wed 2 Dec',
      athlete: 'FTP 265 W {{not a placeholder}}',
      fitness: 'CTL 50',
      recent_rides: '-',
      plan: 'none',
      rules: 'none',
    });
    expect(text).toBe('Today Wed 2 Dec. FTP 265 W {{not a placeholder}} CTL 50 - none none');
  });

  it('appends, under its name, a value an older template has no place for', () => {
    const old = 'Today {{today}}. {{athlete}} {{fitness}} {{recent_rides}} {{rules}}';
    const text = renderTemplate<'coach_chat'>(old, { today: 'Wed 2 Dec', athlete: 'FTP 265 W', fitness: 'CTL 50', recent_rides: '-', plan: 'Plan v3: rest', rules: 'none' });
    expect(text).toBe('Today Wed 2 Dec. FTP 265 W CTL 50 - none\n\nplan:\nPlan v3: rest');
  });
});
