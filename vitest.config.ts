import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build.ts'],
    testTimeout: 120_000, // process tests start real bots; generous under load, never a timing assertion
    hookTimeout: 120_000,
    // Each file opens its own database; two cores on our machines.
    pool: 'forks',
    maxWorkers: 2,
  },
});
