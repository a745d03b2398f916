import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/app.ts';

let h: Harness | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  h = undefined;
  blocker = undefined;
});

describe('start-up when something is wrong', () => {
  it('a taken health port turns /health off with a log line, and the bot still serves the chat', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)));
    h = await startHarness({ HEALTH_PORT: String(port) });
    expect(h.app.http).toBeUndefined();
    expect(h.logs.entries().some((e) => String(e.msg).startsWith(`/health is off: cannot listen on port ${port}`))).toBe(true);
    h.owner.send('/help');
    expect((await h.owner.nextReply({ timeoutMs: 10_000 })).text).toContain('/status');
  });

  it('keeps trying while Telegram is unreachable, says so in the log, then serves', async () => {
    let until: number | undefined; // 6 s from the first attempt: longer than the 5 s between "still trying" lines
    h = await startHarness({}, (tg) => {
      tg.intercept('getMe', () => {
        until ??= Date.now() + 6_000;
        return Date.now() < until ? 'drop' : undefined;
      });
    });
    const waiting = h.logs.entries().find((e) => e.msg === 'Telegram is not reachable yet; still trying');
    expect(waiting).toMatchObject({ level: 40, last_error: expect.stringContaining('getMe') });
    h.owner.send('/help');
    expect((await h.owner.nextReply({ timeoutMs: 10_000 })).text).toContain('/status');
  });
});
