import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Values that must never be written: replaced in every line, wherever they appear. */
  secrets: string[];
  /** Where lines go; stdout by default (tests capture it). */
  destination?: NodeJS.WritableStream;
}

const MASK = '[redacted]';

/**
 * Secrets can hide anywhere: a grammY HttpError carries the request URL with the
 * token, a pg error the connection string, a stack trace any of them. Field-path
 * redaction cannot see into those strings, so we scrub the finished line instead.
 */
export function createScrubber(secrets: string[]): (line: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1)); // as it appears inside a JSON string
    forms.add(encodeURIComponent(secret)); // as it appears inside a URL
  }
  const sorted = [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (line) => line;
  const pattern = new RegExp(sorted.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (line) => line.replace(pattern, MASK);
}

/** pino-pretty (a development nicety, some 10 MB) is loaded only when LOG_PRETTY asks for it. */
function loadPretty(): typeof import('pino-pretty') {
  return createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
}

export function createLogger(options: LoggerOptions): Logger {
  const scrub = createScrubber(options.secrets);
  const destination = options.pretty
    ? loadPretty()({ colorize: false, sync: true, destination: options.destination ?? 1 })
    : (options.destination ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: ['*.token', '*.password', '*.apiKey', '*.authorization', '*.headers.authorization'], censor: MASK },
      hooks: { streamWrite: scrub },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination,
  );
}
