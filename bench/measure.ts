import { readFileSync } from 'node:fs';

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

/** A process's memory from /proc/<pid>/status, in MB: resident now, its peak, and resident anonymous / file-backed. */
export interface ProcessMemory {
  rssMb: number;
  hwmMb: number;
  anonMb: number;
  fileMb: number;
}

export function processMemory(pid: number): ProcessMemory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? NaN) / 1024;
  return { rssMb: mb('VmRSS'), hwmMb: mb('VmHWM'), anonMb: mb('RssAnon'), fileMb: mb('RssFile') };
}
