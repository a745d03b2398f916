// Telegram's parse_mode "HTML", ported from tdlib's parse_html (td/telegram/MessageEntity.cpp),
// which is what the Bot API runs. It walks UTF-8 bytes because Telegram's error messages
// report *byte* offsets, while entity offsets are UTF-16 code units.
import type { MessageEntity } from 'grammy/types';

export class HtmlParseError extends Error {}

export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

const TAGS = new Set([
  'a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins',
  'tg-spoiler', 'tg-emoji', 'span', 'pre', 'code', 'blockquote',
]);
const SIMPLE: Record<string, MessageEntity['type']> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler', span: 'spoiler',
};
const NAMED: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };

// tdlib reads a NUL-terminated C string and treats NUL as whitespace; `at` mimics both.
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 0;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c | 32) >= 97 && (c | 32) <= 122;
const isHex = (c: number) => isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102);

/**
 * Parses `html` like Telegram. With `strictAmpersand` (our default) a `&` that does not start
 * one of the four named or a numeric entity is an error; Telegram would show it literally, but
 * it almost always means text was interpolated without escaping (the next `<` will then 400).
 */
export function parseTelegramHtml(html: string, strictAmpersand = true): ParsedText {
  const src = Buffer.from(html, 'utf8');
  const at = (i: number) => (i < src.length ? src[i]! : 0);
  const fail = (reason: string): never => {
    throw new HtmlParseError(reason);
  };
  const out = Buffer.alloc(src.length); // decoding never makes the text longer
  let w = 0;
  let utf16 = 0;
  const open: { tag: string; arg: string; offset: number; bytePos: number }[] = [];
  type Raw = { type: string; offset: number; length: number; arg: string };
  const raw: Raw[] = [];

  // Returns the code point and moves past `&...;`, or undefined (position untouched).
  const decodeEntity = (pos: number): { code: number; end: number } | undefined => {
    let end = pos + 1;
    let code = 0;
    if (at(end) === 35 /* # */) {
      end++;
      const hex = at(end) === 120; /* x */
      if (hex) end++;
      while (hex ? isHex(at(end)) : isDigit(at(end))) code = code * (hex ? 16 : 10) + parseInt(String.fromCharCode(at(end++)), 16);
      if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
    } else {
      while (isAlpha(at(end))) end++;
      const named = NAMED[src.subarray(pos + 1, end).toString('latin1')];
      if (named === undefined) return undefined;
      code = named;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      fail('Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units');
    }
    return { code, end: at(end) === 59 /* ; */ ? end + 1 : end };
  };

  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 38 /* & */) {
      const ent = decodeEntity(i);
      if (ent) {
        utf16 += ent.code > 0xffff ? 2 : 1;
        w += out.write(String.fromCodePoint(ent.code), w);
        i = ent.end - 1;
        continue;
      }
      if (strictAmpersand) fail(`Unescaped "&" at byte offset ${i}`);
    }
    if (c !== 60 /* < */) {
      if ((c & 0xc0) !== 0x80) utf16 += c >= 0xf0 ? 2 : 1; // count first bytes; 4-byte chars are surrogate pairs
      out[w++] = c;
      continue;
    }

    const begin = i++;
    if (at(i) !== 47 /* / */) {
      while (!isSpace(at(i)) && at(i) !== 62) i++;
      if (i >= src.length) fail(`Unclosed start tag at byte offset ${begin}`);
      const tag = src.subarray(begin + 1, i).toString('utf8').toLowerCase();
      if (!TAGS.has(tag)) fail(`Unsupported start tag "${tag}" at byte offset ${begin}`);
      let arg = '';
      while (at(i) !== 62 /* > */) {
        while (i < src.length && isSpace(at(i))) i++;
        if (at(i) === 62) break;
        const nameBegin = i;
        while (!isSpace(at(i)) && at(i) !== 61 /* = */ && at(i) !== 62) i++;
        const name = src.subarray(nameBegin, i).toString('utf8');
        if (name === '') fail(`Empty attribute name in the tag "${tag}" at byte offset ${begin}`);
        while (i < src.length && isSpace(at(i))) i++;
        if (at(i) !== 61) {
          // Newer Telegram accepts the bare boolean attribute <blockquote expandable>.
          if (tag === 'blockquote' && name === 'expandable' && i < src.length) {
            arg = 'expandable';
            continue;
          }
          fail(`Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${begin}`);
        }
        i++;
        while (i < src.length && isSpace(at(i))) i++;
        if (i >= src.length) fail(`Unclosed start tag "${tag}" at byte offset ${begin}`);
        let value = '';
        const quote = at(i);
        if (quote !== 39 && quote !== 34) {
          const tokenBegin = i;
          while (isAlpha(at(i)) || isDigit(at(i)) || at(i) === 46 || at(i) === 45) i++;
          value = src.subarray(tokenBegin, i).toString('utf8').toLowerCase();
          if (!isSpace(at(i)) && at(i) !== 62) fail(`Unexpected end of name token at byte offset ${tokenBegin}`);
        } else {
          const bytes: number[] = [];
          for (i++; i < src.length && at(i) !== quote; ) {
            const ent = at(i) === 38 ? decodeEntity(i) : undefined;
            if (ent) {
              bytes.push(...Buffer.from(String.fromCodePoint(ent.code)));
              i = ent.end;
            } else bytes.push(src[i++]!);
          }
          if (at(i) === quote) i++;
          value = Buffer.from(bytes).toString('utf8');
        }
        if (i >= src.length) fail(`Unclosed start tag at byte offset ${begin}`);
        if (tag === 'a' && name === 'href') arg = value;
        else if (tag === 'code' && name === 'class' && value.startsWith('language-')) arg = value.slice(9);
        else if (tag === 'span' && name === 'class' && value.startsWith('tg-')) arg = value.slice(3);
        else if (tag === 'tg-emoji' && name === 'emoji-id') arg = value;
        else if (tag === 'blockquote' && name === 'expandable') arg = 'expandable';
      }
      if (tag === 'span' && arg !== 'spoiler') fail(`Tag "span" must have class "tg-spoiler" at byte offset ${begin}`);
      open.push({ tag, arg, offset: utf16, bytePos: w });
      continue;
    }

    // End tag. An empty name (`</>`) closes whatever is open, as in tdlib.
    if (open.length === 0) fail(`Unexpected end tag at byte offset ${begin}`);
    while (!isSpace(at(i)) && at(i) !== 62) i++;
    const endName = src.subarray(begin + 2, i).toString('utf8').toLowerCase();
    while (i < src.length && isSpace(at(i))) i++;
    if (at(i) !== 62) fail(`Unclosed end tag at byte offset ${begin}`);
    const top = open.pop()!;
    if (endName !== '' && endName !== top.tag) {
      fail(`Unmatched end tag at byte offset ${begin}, expected "</${top.tag}>", found "</${endName}>"`);
    }
    const offset = top.offset;
    const length = utf16 - offset;
    if (length === 0) continue; // empty entities are dropped
    const last = raw[raw.length - 1];
    const sameSpan = last !== undefined && last.offset === offset && last.length === length;
    if (SIMPLE[top.tag]) raw.push({ type: SIMPLE[top.tag]!, offset, length, arg: '' });
    else if (top.tag === 'tg-emoji') {
      if (!/^[0-9]+$/.test(top.arg) || /^0+$/.test(top.arg)) fail('Invalid custom emoji identifier specified');
      raw.push({ type: 'custom_emoji', offset, length, arg: top.arg });
    } else if (top.tag === 'a') {
      const url = top.arg || out.subarray(top.bytePos, w).toString('utf8');
      raw.push({ type: 'text_link', offset, length, arg: url });
    } else if (top.tag === 'blockquote') {
      raw.push({ type: top.arg ? 'expandable_blockquote' : 'blockquote', offset, length, arg: '' });
    } else if (top.tag === 'pre') {
      // <pre><code class="language-x"> → one pre entity with a language
      if (sameSpan && last.type === 'code' && last.arg) last.type = 'pre';
      else raw.push({ type: 'pre', offset, length, arg: '' });
    } else if (sameSpan && last.type === 'pre' && top.arg) last.arg = top.arg;
    else raw.push({ type: 'code', offset, length, arg: top.arg });
  }
  if (open.length > 0) fail(`Can't find end tag corresponding to start tag "${open[open.length - 1]!.tag}"`);

  const entities = raw
    .sort((a, b) => a.offset - b.offset || b.length - a.length)
    .map(({ type, offset, length, arg }): MessageEntity => {
      if (type === 'text_link') return { type, offset, length, url: arg };
      if (type === 'custom_emoji') return { type, offset, length, custom_emoji_id: arg };
      if (type === 'pre') return arg ? { type, offset, length, language: arg } : { type, offset, length };
      return { type, offset, length } as MessageEntity;
    });
  return { text: out.subarray(0, w).toString('utf8'), entities };
}

/** Escapes text for parse_mode HTML (handy for tests composing expectations). */
export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
