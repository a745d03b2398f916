/**
 * Text in XML files, shared by the GPX and TCX parsers. Files arrive as bytes:
 * the BOM decides the encoding first, then the declaration
 * (`<?xml ... encoding="ISO-8859-1"?>`, ASCII in every ASCII-compatible
 * encoding), else UTF-8. Values are numbers and xsd:dateTime times, read once
 * per point, so both have a fast path for the common spelling.
 */

/** The decoder for these bytes, or the declared label when we have none for it. */
export function xmlDecoder(bytes: Uint8Array): InstanceType<typeof TextDecoder> | { unsupportedLabel: string } {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return new TextDecoder('utf-8'); // strips the BOM
  if (b0 === 0xff && b1 === 0xfe) return new TextDecoder('utf-16le');
  if (b0 === 0xfe && b1 === 0xff) return new TextDecoder('utf-16be');
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return new TextDecoder('utf-16le');
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return new TextDecoder('utf-16be');
  const head = String.fromCharCode(...bytes.subarray(0, 200));
  const label = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]*)["']/.exec(head)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label);
  } catch {
    return { unsupportedLabel: label };
  }
}

const CHUNK_BYTES = 1 << 16; // 64 KiB: decoding in larger pieces was 4x slower (measured)

/** Decodes the bytes piece by piece into `write` (a streaming XML parser's write). */
export function feedText(bytes: Uint8Array, decoder: InstanceType<typeof TextDecoder>, write: (text: string) => void): void {
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) {
    const piece = decoder.decode(bytes.subarray(i, i + CHUNK_BYTES), { stream: true });
    if (piece.length > 0) write(piece);
  }
  const tail = decoder.decode();
  if (tail.length > 0) write(tail);
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const isXmlSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;

/**
 * parseFloat, by hand for plain decimals ("-12.5", " 180 "): at most 15 digits
 * make an exact integer and 10^k is exact up to 10^22, so one division is
 * correctly rounded, the same double parseFloat gives (Clinger's fast path).
 * Anything else (exponents, "+", trailing text, long digit runs) goes to parseFloat.
 */
export function parseDecimal(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n && isXmlSpace(s.charCodeAt(i))) i++;
  const negative = s.charCodeAt(i) === 45; /* - */
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1; // digits after the point; -1 before one is seen
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 /* . */ && decimals < 0) decimals = 0;
    else break;
  }
  while (i < n && isXmlSpace(s.charCodeAt(i))) i++;
  if (i < n || digits === 0 || digits > 15) return parseFloat(s);
  const v = decimals > 0 ? mantissa / (POW10[decimals] as number) : mantissa;
  return negative ? -v : v;
}

/**
 * xsd:dateTime -> epoch ms. A time without a zone is read as UTC (GPX requires
 * UTC), never as the server's local time, so results don't depend on TZ.
 * The common "YYYY-MM-DDTHH:MM:SS[.fff]Z" is decoded by hand (one per point);
 * anything else goes to Date.parse.
 */
export function parseTimeMs(s: string): number {
  const n = s.length;
  const last = s.charCodeAt(n - 1);
  if (last === 90 /* Z */) {
    const fast = n >= 20 && n <= 30 ? fastUtcMs(s, n) : NaN;
    return fast === fast ? fast : Date.parse(s);
  }
  if (last === 122 /* z */) return Date.parse(s);
  // an offset, +02:00 or +0200
  const sign = s.charCodeAt(s.charCodeAt(n - 3) === 58 /* : */ ? n - 6 : n - 5);
  if ((sign === 43 /* + */ || sign === 45 /* - */) && s.indexOf('T') > 0) return Date.parse(s);
  return s.indexOf('T') > 0 ? Date.parse(s + 'Z') : Date.parse(s);
}

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

function fastUtcMs(s: string, n: number): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  let y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const mo = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  const h = digit(s, 11) * 10 + digit(s, 12);
  const mi = digit(s, 14) * 10 + digit(s, 15);
  const sec = digit(s, 17) * 10 + digit(s, 18);
  // Anything odd goes to Date.parse (NaN fails these tests). Like Date.parse, Feb 30 rolls over.
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 59 && y >= 0)) return NaN;
  let ms = 0;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 /* . */) return NaN;
    let scale = 100;
    for (let i = 20; i < n - 1; i++) {
      const f = digit(s, i);
      if (f !== f) return NaN;
      ms += f * scale;
      scale /= 10;
    }
    ms = Math.floor(ms + 1e-9); // Date.parse truncates to whole milliseconds
  }
  // Days from 1970-01-01, proleptic Gregorian (H. Hinnant, "chrono-compatible date algorithms").
  y -= mo <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return days * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
}
