import { describe, expect, it } from 'vitest';
import { parseDecimal, parseTimeMs, xmlDecoder } from '../../src/domain/xml-text.ts';

describe('parseDecimal', () => {
  it('gives exactly what parseFloat gives, on the spellings GPX files use and on odd ones', () => {
    const spellings = [
      '0', '-0', '7', '180', '0.5', '.5', '5.', '-12.25', '46.0123456', '-121.9723242335021495819091796875',
      '37.24173816852271556854248046875', '103.40000152587890625', '123456789012345', '1234567890123456',
      '0.000000000000001', ' 42 ', '\n\t 603.5\r\n', '1e3', '-1.5E-2', '+5', '12abc', '1.2.3', '', ' ', '.', '-',
      'NaN', 'Infinity', '-Infinity', '0x10', '\u00a042', '4\u00a0', '١٢',
    ];
    for (const s of spellings) expect([s, parseDecimal(s)]).toEqual([s, parseFloat(s)]);
  });

  it('agrees with parseFloat on a million random plain decimals', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (let k = 0; k < 1_000_000; k++) {
      const intDigits = Math.floor(random() * 9);
      const fracDigits = Math.floor(random() * 12);
      let s = random() < 0.3 ? '-' : '';
      for (let i = 0; i < intDigits; i++) s += Math.floor(random() * 10);
      if (fracDigits > 0) s += '.';
      for (let i = 0; i < fracDigits; i++) s += Math.floor(random() * 10);
      if (parseDecimal(s) !== parseFloat(s) && !(Number.isNaN(parseDecimal(s)) && Number.isNaN(parseFloat(s)))) {
        expect.fail(`${JSON.stringify(s)}: ${parseDecimal(s)} !== ${parseFloat(s)}`);
      }
    }
  });
});

describe('parseTimeMs', () => {
  it('matches Date.parse on UTC timestamps, with and without fractions', () => {
    for (const t of [0, 1, 999, 951_782_400_000, 1_568_988_603_000, 1_709_251_199_999, 4_102_444_800_123, -86_400_000]) {
      const iso = new Date(t).toISOString();
      expect(parseTimeMs(iso)).toBe(t);
      expect(parseTimeMs(iso.replace(/\.\d+Z$/, 'Z'))).toBe(Math.floor(t / 1000) * 1000);
    }
    expect(parseTimeMs('2016-05-27T10:08:47.8Z')).toBe(Date.UTC(2016, 4, 27, 10, 8, 47, 800));
    expect(parseTimeMs('2024-02-29T12:00:00Z')).toBe(Date.UTC(2024, 1, 29, 12));
  });

  it('reads offsets, and a time without a zone as UTC whatever the server TZ', () => {
    expect(parseTimeMs('2019-09-20T16:10:03+02:00')).toBe(Date.UTC(2019, 8, 20, 14, 10, 3));
    expect(parseTimeMs('2019-09-20T16:10:03+0200')).toBe(Date.UTC(2019, 8, 20, 14, 10, 3));
    expect(parseTimeMs('2019-09-20T09:10:03-05:00')).toBe(Date.UTC(2019, 8, 20, 14, 10, 3));
    expect(parseTimeMs('2019-09-20T14:10:03.250')).toBe(Date.UTC(2019, 8, 20, 14, 10, 3, 250));
    expect(parseTimeMs('2019-09-20T14:10:03')).toBe(Date.UTC(2019, 8, 20, 14, 10, 3));
    expect(parseTimeMs('not a time')).toBeNaN();
    expect(parseTimeMs('2019-13-01T14:10:03Z')).toBeNaN();
    for (const odd of ['2019-02-30T14:10:03Z', '2019-04-31T00:00:00Z', '2019-01-01T24:00:00Z', '2019-02-32T00:00:00Z']) {
      expect(parseTimeMs(odd)).toEqual(Date.parse(odd));
    }
  });
});

describe('xmlDecoder', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  const encodingOf = (b: Uint8Array) => {
    const decoder = xmlDecoder(b);
    return 'encoding' in decoder ? decoder.encoding : decoder;
  };

  it('follows the BOM, then the declared encoding, else UTF-8', () => {
    expect(encodingOf(Uint8Array.of(0xef, 0xbb, 0xbf, 0x3c))).toBe('utf-8');
    expect(encodingOf(Uint8Array.of(0xff, 0xfe, 0x3c, 0))).toBe('utf-16le');
    expect(encodingOf(bytes('<?xml version="1.0" encoding="ISO-8859-1"?><gpx/>'))).toBe('windows-1252');
    expect(encodingOf(bytes('<gpx/>'))).toBe('utf-8');
    expect(encodingOf(bytes('<?xml version="1.0" encoding="x-klingon"?><gpx/>'))).toEqual({ unsupportedLabel: 'x-klingon' });
  });
});
