import { describe, expect, it } from 'vitest';
import { createLogger, createScrubber } from '../src/logger.ts';
import { LogCapture } from './support/logs.ts';

const token = '123456:AAE-very-secret';
const password = 'pa"ss\\word';

describe('logger', () => {
  it.each([false, true])('never writes a secret, wherever it hides (pretty=%s)', (pretty) => {
    const capture = new LogCapture();
    const logger = createLogger({ level: 'debug', pretty, secrets: [token, password], destination: capture });
    const err = new Error(`request to http://127.0.0.1/bot${token}/sendMessage failed`);
    logger.error({ err }, 'call failed');
    logger.warn({ config: { password, token } }, `login with ${password}`);
    logger.child({ update_id: 7 }).info({ url: `http://x/bot${encodeURIComponent(token)}/getMe` }, 'encoded');
    const text = capture.text;
    expect(text).toContain('call failed');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('very-secret');
    expect(text).not.toContain('pa\\"ss');
    expect(text).not.toContain('ss\\\\word');
    expect(text).not.toContain(encodeURIComponent(token));
  });

  it('keeps the update id on child loggers', () => {
    const capture = new LogCapture();
    createLogger({ level: 'info', pretty: false, secrets: [], destination: capture }).child({ update_id: 42 }).info('hello');
    expect(capture.entries()[0]).toMatchObject({ update_id: 42, msg: 'hello' });
  });

  it('scrubs the longest form first so no fragment of a secret survives', () => {
    const scrub = createScrubber(['abcd', 'abcdefgh']);
    expect(scrub('x abcdefgh y abcd')).toBe('x [redacted] y [redacted]');
  });
});
