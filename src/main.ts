import { config as loadDotenv } from 'dotenv';
import { startApp, StartupError } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

/** Process concerns only: environment, signals, exit codes. */
loadDotenv({ quiet: true });

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

const app = await startApp(config).catch((error: unknown) => {
  if (error instanceof StartupError) fail(error.message);
  throw error;
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    const forced = setTimeout(() => {
      app.logger.error('handlers did not finish within 30 s; exiting anyway');
      process.exit(1);
    }, 30_000);
    forced.unref();
    void app.stop().then(() => process.exit(0));
  });
}
process.on('unhandledRejection', (reason) => app.logger.error({ err: reason }, 'unhandled promise rejection'));
