import { buildDist } from '../../scripts/build.mjs';

/** Vitest global setup: the process tests start dist/main.js, so build it from the sources under test. */
export default async function setup(): Promise<void> {
  await buildDist();
}
