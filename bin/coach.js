#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx coach` works without a build step.
import { config } from 'dotenv';
import { register } from 'tsx/esm/api';

// the same .env as the bot: DATABASE_URL / DATA_DIR point at its database
config({ quiet: true });

register();
const { runCli } = await import('../src/cli.ts');
process.exitCode = await runCli(
  process.argv.slice(2),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
