import { InvalidInput } from './errors.ts';
import { parseCassette, parseChainrings } from './physics.ts';
import type { RiderProfile } from './profile.ts';
import { isTimeZone } from './time-zone.ts';

/**
 * What the rider can set with `/profile <key> <value>`: names they would type,
 * plausible ranges (a typo such as "ftp 2650" is refused, not stored), and how
 * each value reads back.
 */
export interface ProfileField {
  key: keyof RiderProfile;
  names: string[];
  label: string;
  /** A button's few letters (a phone shows ~14 per button in two columns). */
  button: string;
  example: string;
  parse(text: string): RiderProfile[keyof RiderProfile];
  format(value: NonNullable<RiderProfile[keyof RiderProfile]>): string;
}

function numberIn(label: string, unit: string, min: number, max: number, integer: boolean) {
  return (text: string): number => {
    const value = Number(text.trim().replace(',', '.').replace(new RegExp(`\\s*${unit}$`, 'i'), ''));
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new InvalidInput('bad_profile_value', `${label} should be ${integer ? 'a whole number' : 'a number'} between ${min} and ${max}${unit ? ` ${unit}` : ''}.`, text);
    }
    return value;
  };
}


const plain = (unit: string) => (value: unknown) => `${String(value)}${unit ? ` ${unit}` : ''}`;

export const PROFILE_FIELDS: ProfileField[] = [
  { key: 'ftpW', names: ['ftp'], label: 'FTP', button: 'FTP', example: 'ftp 265', parse: numberIn('FTP', 'W', 50, 600, true), format: plain('W') },
  { key: 'riderKg', names: ['weight', 'rider'], label: 'Rider weight', button: 'Weight', example: 'weight 72.5', parse: numberIn('Rider weight', 'kg', 30, 200, false), format: plain('kg') },
  { key: 'bikeKg', names: ['bike'], label: 'Bike weight', button: 'Bike', example: 'bike 8.4', parse: numberIn('Bike weight', 'kg', 3, 40, false), format: plain('kg') },
  { key: 'maxHrBpm', names: ['maxhr'], label: 'Max HR', button: 'Max HR', example: 'maxhr 188', parse: numberIn('Max HR', 'bpm', 100, 230, true), format: plain('bpm') },
  { key: 'restHrBpm', names: ['resthr'], label: 'Resting HR', button: 'Resting HR', example: 'resthr 48', parse: numberIn('Resting HR', 'bpm', 25, 120, true), format: plain('bpm') },
  { key: 'lthrBpm', names: ['lthr'], label: 'Threshold HR (LTHR)', button: 'LTHR', example: 'lthr 168', parse: numberIn('LTHR', 'bpm', 80, 220, true), format: plain('bpm') },
  {
    key: 'chainrings',
    names: ['chainrings', 'rings'],
    label: 'Chainrings',
    button: 'Chainrings',
    example: 'chainrings 50/34',
    parse: parseChainrings,
    format: (v) => (v as number[]).join('/'),
  },
  {
    key: 'cogs',
    names: ['cassette', 'cogs'],
    label: 'Cassette',
    button: 'Cassette',
    example: 'cassette 11-32',
    parse: parseCassette,
    format: (v) => `${(v as number[])[0]}-${(v as number[]).at(-1)} (${(v as number[]).join(',')})`,
  },
  {
    key: 'wheelCircumferenceM',
    names: ['wheel'],
    label: 'Wheel circumference',
    button: 'Wheel',
    example: 'wheel 2105 (mm) or 2.105 (m)',
    parse: (text) => {
      const value = Number(text.trim().replace(',', '.').replace(/\s*mm$/i, ''));
      const metres = value > 100 ? value / 1000 : value; // riders quote millimetres (2105) as often as metres
      if (!Number.isFinite(metres) || metres < 1.0 || metres > 2.6) {
        throw new InvalidInput('bad_profile_value', 'Wheel circumference should be in millimetres like 2105 (700x25C) or metres like 2.105.', text);
      }
      return metres;
    },
    format: (v) => `${Math.round((v as number) * 1000)} mm`,
  },
  { key: 'cadenceFloorRpm', names: ['cadence'], label: 'Lowest comfortable cadence', button: 'Cadence floor', example: 'cadence 70', parse: numberIn('Cadence', 'rpm', 30, 120, true), format: plain('rpm') },
  {
    key: 'timeZone',
    names: ['tz', 'timezone'],
    label: 'Time zone',
    button: 'Time zone',
    example: 'tz Europe/Berlin',
    parse: (text) => {
      const zone = text.trim();
      if (!isTimeZone(zone)) throw new InvalidInput('bad_profile_value', `${zone} is not a time zone I know — use a name like Europe/Berlin or America/Denver.`, text);
      return zone;
    },
    format: plain(''),
  },
];

export function findProfileField(name: string): ProfileField {
  const wanted = name.trim().toLowerCase();
  const field = PROFILE_FIELDS.find((f) => f.names.includes(wanted));
  if (!field) {
    throw new InvalidInput('unknown_profile_key', `I don't know "${name}". You can set: ${PROFILE_FIELDS.map((f) => f.names[0]).join(', ')}.`, name);
  }
  return field;
}
