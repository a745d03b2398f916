import { readFileSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { buildOptions } from '../scripts/build.mjs';

/** Packages too heavy to load before they are needed, and what needs them. */
const LOADED_ON_FIRST_USE = {
  '@electric-sql/pglite': 'the embedded database, only without DATABASE_URL',
  pg: 'the PostgreSQL driver, only with DATABASE_URL',
  '@napi-rs/canvas': 'the first chart',
  'chart.js': 'the first chart',
  '@garmin/fitsdk': 'the first FIT file',
  'fit-file-parser': 'the first FIT file',
  openai: 'the first call to the AI',
  'garmin-connect': 'the first Garmin sync',
  'pino-pretty': 'LOG_PRETTY=1',
};

const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * Packages the entry loads as it starts (imported from node_modules, or bundled
 * into an output file it imports statically), and those only behind an `await import()`.
 */
function packagesOf(meta: Metafile, entry: string): { atStart: Set<string>; later: Set<string> } {
  const atStart = new Set<string>();
  const later = new Set<string>();
  const visit = (output: string, eager: boolean, seen: Set<string>) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const input of Object.keys(meta.outputs[output]!.inputs)) {
      const bundled = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      if (bundled) (eager ? atStart : later).add(bundled);
    }
    for (const imported of meta.outputs[output]!.imports) {
      const isEager = eager && imported.kind !== 'dynamic-import';
      if (imported.external) {
        if (!imported.path.startsWith('node:')) (isEager ? atStart : later).add(packageOf(imported.path));
      } else {
        visit(imported.path, isEager, isEager ? seen : new Set(seen));
      }
    }
  };
  visit(entry, true, new Set());
  for (const name of atStart) later.delete(name);
  return { atStart, later };
}

describe('the compiled bot', () => {
  it('loads no heavy package at start-up; each one sits behind its seam', async () => {
    const { metafile } = await build({ ...buildOptions, write: false, metafile: true });
    const entry = Object.keys(metafile.outputs).find((file) => file.endsWith('dist/main.js'))!;
    const { atStart, later } = packagesOf(metafile, entry);
    for (const heavy of Object.keys(LOADED_ON_FIRST_USE)) {
      expect(atStart.has(heavy), `${heavy} is loaded at start-up; it belongs behind ${LOADED_ON_FIRST_USE[heavy as keyof typeof LOADED_ON_FIRST_USE]}`).toBe(false);
    }
    // and each is still reachable: the seam exists and nothing was lost
    const reachable = new Set([...atStart, ...later]);
    expect(Object.keys(LOADED_ON_FIRST_USE).filter((name) => !reachable.has(name) && name !== 'pino-pretty')).toEqual([]);
    // what does load at start is what a bot needs to answer its first message
    expect([...atStart].sort()).toEqual(expect.arrayContaining(['drizzle-orm', 'grammy', 'pino', 'zod']));
  });

  it('the Docker image starts the bot the way `npm start` does, in one node process', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(packageJson.scripts.start.split(' '));
    expect(packageJson.scripts.start).toMatch(/^node .*dist\/main\.js$/);
  });
});
