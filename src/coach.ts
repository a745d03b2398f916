/** The `coach` command (bin/coach.js runs its compiled form): environment and exit code around runCli. */
import { config } from 'dotenv';
import { runCli } from './cli.ts';

// the same .env as the bot: DATABASE_URL / DATA_DIR point at its database
config({ quiet: true });

process.exitCode = await runCli(
  process.argv.slice(2),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
