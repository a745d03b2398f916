// Timing helpers shared by the step tables (plans, analyses): medians and worst of RUNS runs after a warm-up.
export const RUNS = Number(process.env.BENCH_RUNS ?? 20);
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
export const worst = (xs: number[]) => Math.max(...xs);
export const ms = (x: number) => `${x < 10 ? x.toFixed(2) : Math.round(x)} ms`;

export function timed(run: () => unknown): number[] {
  run(); // warm-up
  return Array.from({ length: RUNS }, () => {
    const started = performance.now();
    run();
    return performance.now() - started;
  });
}

/** The table the README copies, and the process's peak memory. */
export function printSteps(rows: [string, number[]][]): void {
  console.log('| step | median | worst |\n|---|---|---|');
  for (const [label, xs] of rows) console.log(`| ${label} | ${ms(median(xs))} | ${ms(worst(xs))} |`);
  console.log(`\npeak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
}
