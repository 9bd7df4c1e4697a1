import type { EventStore } from '../eventStore/types.ts';
import { DIGEST_ALGORITHM, type LogDigest } from './digest.ts';
import { walkOnThisThread, type ChainWalk } from './chainWalk.ts';
import type { VerifyResult } from './verifyLog.ts';

/** One walk of the chain by the monitor. */
export interface ChainCheck extends VerifyResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** The head the previous good check ended at, which this one proved still in the log unchanged. */
  readonly against: { readonly position: number; readonly hash: string } | null;
}

export interface ChainMonitorOptions {
  /** Between the end of one check and the start of the next (default 15 minutes). */
  readonly intervalMs?: number;
  readonly onCheck?: (check: ChainCheck) => void;
  /** How a walk runs (default: on this thread, between its other work; serve walks on a thread of its own: walkOnOwnThread). */
  readonly walk?: ChainWalk;
}

/**
 * Verifies the whole chain when started and then on a schedule, each time also proving that the
 * head the last good check ended at is still in the log unchanged, and keeps the latest result
 * for the health page and the metrics. One check at a time; the walk reads pages asynchronously,
 * so the service keeps answering meanwhile, or runs on a thread of its own (walkOnOwnThread).
 */
export class ChainMonitor {
  private readonly walkLog: ChainWalk;
  private readonly intervalMs: number;
  private readonly onCheck: ((check: ChainCheck) => void) | undefined;
  private last: ChainCheck | undefined;
  private lastGoodHead: LogDigest | undefined;
  private running: Promise<ChainCheck> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Ends the latest walk if it is still in progress: stopping the monitor does not wait for a walk of the whole log. */
  private walking: AbortController | undefined;

  constructor(store: EventStore, options: ChainMonitorOptions = {}) {
    this.walkLog = options.walk ?? walkOnThisThread(store);
    this.intervalMs = options.intervalMs ?? 15 * 60_000;
    this.onCheck = options.onCheck;
  }

  start(): void {
    this.stopped = false;
    void this.check().catch(() => undefined);
  }

  /** The latest finished check, if one has finished. */
  latest(): ChainCheck | undefined {
    return this.last;
  }

  /** Runs a check now, or joins the one running. Rejects with an AbortError if the monitor is stopped meanwhile. */
  check(): Promise<ChainCheck> {
    this.running ??= this.walk().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => void this.check().catch(() => undefined), this.intervalMs).unref();
    });
    return this.running;
  }

  /**
   * Stops the schedule and the walk in progress, which ends at its next record: a walk of a large
   * log takes minutes, longer than a shutdown may. An interrupted walk is no check: latest() and
   * onCheck see nothing of it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.walking?.abort();
    await this.running?.catch(() => undefined);
  }

  private async walk(): Promise<ChainCheck> {
    clearTimeout(this.timer);
    const started = performance.now();
    const startedAt = new Date().toISOString();
    const against = this.lastGoodHead;
    this.walking = new AbortController();
    const result = await this.walkLog(against, this.walking.signal);
    const check: ChainCheck = {
      ...result,
      startedAt,
      finishedAt: new Date().toISOString(),
      durationMs: performance.now() - started,
      against: against ? { position: against.position, hash: against.hash } : null,
    };
    if (result.ok) this.lastGoodHead = { algorithm: DIGEST_ALGORITHM, position: result.head.position, hash: result.head.hash, recordedAt: null };
    this.last = check;
    this.onCheck?.(check);
    return check;
  }
}
