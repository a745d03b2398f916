import type { Logger } from '../logger.ts';
import type { AnalysisRow, Analyses } from './analyses.ts';
import type { Analyst } from './analyst.ts';

/** Attempts before the built-in coach writes it instead (a crash mid-analysis counts as one). */
export const MAX_ATTEMPTS = 3;
/** When idle, the queue is looked at this often even without a wake-up (a row queued by another process). */
const IDLE_POLL_MS = 60_000;
/** After a failure (the chat unreachable, the database away), a pause before the next try. */
const BACKOFF_MS = 5_000;
/** On stop, how long the analysis under way may take to finish before the database closes. */
const STOP_GRACE_MS = 5_000;

/** Puts an analysis in the chat; returns its message id. */
export type DeliverAnalysis = (row: AnalysisRow) => Promise<number>;

/**
 * Works the analysis queue, one ride at a time, outside the update handler so
 * the chat stays responsive. Made analyses are sent first (after a restart,
 * those that were made but not sent go out), then the next queued ride is
 * analysed. A ride whose analysis keeps failing is written by the built-in
 * coach with a note; if even that fails, the rider is told, never left with a gap.
 */
export class AnalysisWorker {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private pending = false;

  constructor(
    private readonly deps: {
      analyses: Analyses;
      analyst: Analyst;
      deliver: DeliverAnalysis;
      logger: Logger;
      /** Test seam: the pause after a failure. */
      backoffMs?: number;
    },
  ) {}

  start(): void {
    this.running ??= this.loop().catch((error: unknown) => this.deps.logger.error({ err: error }, 'analysis worker stopped'));
  }

  /** Something was queued: look now rather than at the next poll. */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    if (!this.running) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
    clearTimeout(timer);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.pending = false;
      let worked = false;
      try {
        worked = (await this.sendOne()) || (await this.analyseOne());
      } catch (error) {
        if (this.stopped) return;
        this.deps.logger.error({ err: error }, 'analysis queue: will try again');
        await this.pause(this.deps.backoffMs ?? BACKOFF_MS);
        continue;
      }
      if (!worked && !this.pending) await this.pause(IDLE_POLL_MS);
    }
  }

  private async sendOne(): Promise<boolean> {
    const row = await this.deps.analyses.nextUnsent();
    if (!row || this.stopped) return false;
    const messageId = await this.deps.deliver(row);
    await this.deps.analyses.markSent(row.id, messageId);
    this.deps.logger.info({ analysis_id: row.id, workout_id: row.workoutId }, 'analysis sent');
    return true;
  }

  private async analyseOne(): Promise<boolean> {
    const { analyses, analyst, logger } = this.deps;
    const row = await analyses.claim();
    if (!row || this.stopped) return false;
    const started = Date.now();
    try {
      const result =
        row.attempts > MAX_ATTEMPTS
          ? await analyst.analyse(row, { builtInOnly: true, note: `The analysis failed ${MAX_ATTEMPTS} times (${row.lastError ?? 'no detail'}), so the built-in coach wrote this one.` })
          : await analyst.analyse(row);
      await analyses.complete(row.id, result);
      logger.info({ analysis_id: row.id, workout_id: row.workoutId, author: result.author, change: result.proposal !== null, ms: Date.now() - started }, 'ride analysed');
    } catch (error) {
      if (this.stopped) throw error;
      logger.error({ err: error, analysis_id: row.id, attempt: row.attempts }, 'ride analysis failed');
      const detail = (error as Error).message ?? String(error);
      if (row.attempts > MAX_ATTEMPTS) {
        await analyses.giveUp(row.id, detail);
      } else {
        await analyses.retryLater(row.id, detail);
        await this.pause(this.deps.backoffMs ?? BACKOFF_MS);
      }
    }
    return true;
  }

  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    }).finally(() => (this.wakeUp = undefined));
  }
}
