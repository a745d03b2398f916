import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/app.ts';

let h: Harness;

beforeAll(async () => {
  // the double delivers to WEBHOOK_URL; our http server listens on a free port, so
  // the URL is only known after start: reserve a port first
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  h = await startHarness({ WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`, HEALTH_PORT: String(port), WEBHOOK_SECRET: 'hook-secret-42' });
});

afterAll(async () => {
  await h?.close();
});

describe('webhook mode', () => {
  it('registers the webhook with its secret and never polls', async () => {
    const call = await h.tg.waitForCall('setWebhook');
    expect(call.params).toMatchObject({ url: expect.stringMatching(/\/telegram\/hook$/), secret_token: 'hook-secret-42' });
    expect(h.tg.calls.some((c) => c.method === 'getUpdates')).toBe(false);
  });

  it('answers updates Telegram posts with the right secret', async () => {
    const updateId = h.owner.send('/help');
    expect((await h.owner.nextReply({ timeoutMs: 10_000 })).text).toContain('/status');
    await h.tg.waitForConfirmed(updateId, 10_000);
  });

  it('refuses a post without the secret token', async () => {
    const res = await fetch(h.healthUrl.replace('/health', '/telegram/hook'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 1001, type: 'private' }, text: '/start' } }),
    });
    expect(res.status).toBe(401);
    expect(h.owner.messages().filter((m) => m.text?.startsWith('Hi'))).toHaveLength(0);
  });

  it('shutting down lets an update being handled finish before the database closes', async () => {
    let stopping: Promise<void> | undefined;
    h.tg.intercept('sendChatAction', () => {
      stopping = h.app.stop();
    });
    h.owner.send('/status');
    const reply = await h.owner.nextReply({ timeoutMs: 20_000 });
    expect(reply.text).toContain('Status');
    await stopping;
    expect(h.logs.entries().some((e) => e.msg === 'handler failed')).toBe(false);
  });
});
