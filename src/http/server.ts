import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import type { HealthService } from '../services/health.ts';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

export interface HttpServer {
  port: number;
  /** Stops accepting; requests in progress (webhook updates being handled) get `graceMs` to finish. */
  close(graceMs?: number): Promise<void>;
}

/**
 * GET /health answers 200 with the JSON report when every part works, 503 with
 * the failing parts named otherwise. In webhook mode the same server takes
 * Telegram's POSTs at the webhook path.
 */
export async function startHttpServer(options: {
  host: string;
  port: number;
  health: HealthService;
  logger: Logger;
  webhook?: { path: string; handler: RequestHandler };
}): Promise<HttpServer> {
  const { health, logger, webhook } = options;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/health') {
      health
        .report()
        .then((report) => send(res, report.status === 'ok' ? 200 : 503, report))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'health report failed');
          send(res, 503, { status: 'failing', failing: ['health'] });
        });
      return;
    }
    if (webhook && req.method === 'POST' && url.pathname === webhook.path) {
      void webhook.handler(req, res);
      return;
    }
    send(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: (graceMs = 25_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
