/**
 * npm run bench [-- name...]: runs each bench/*.bench.ts in its own process (so
 * peak memory is per benchmark) one after another, and prints their tables.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildDist } from '../scripts/build.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const loader = pathToFileURL(fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url))).href;
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

// the benchmarks that start the bot run the compiled dist/main.js, as `npm start` does
await buildDist();
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file.replace('.bench.ts', '')}\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', loader, `${here}${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
