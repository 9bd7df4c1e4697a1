import { Worker } from 'node:worker_threads';
import type { EventStore } from '../eventStore/types.ts';
import type { LogDigest } from './digest.ts';
import { verifyLog, type VerifyResult } from './verifyLog.ts';

/** One walk of the whole chain, against the digest of an earlier good walk if any; rejects once the signal aborts. */
export type ChainWalk = (against: LogDigest | undefined, signal: AbortSignal) => Promise<VerifyResult>;

/**
 * Walks on the caller's thread between its other work, in pages of the store's default size: a
 * page of 4096 records took ~20 ms to hash, longer than the reader's breather lets requests wait.
 */
export const walkOnThisThread =
  (store: EventStore): ChainWalk =>
  (against, signal) =>
    verifyLog(store.readStoredRecords(), against, signal);

/**
 * How a thread of its own opens the same log: a module exporting
 * `openStoreForWalk(data): EventStore | Promise<EventStore>`, and its structured-cloneable data.
 */
export interface WalkStoreSource {
  /** URL (file:) of the module. */
  readonly module: string;
  readonly data: unknown;
}

/**
 * The most V8's young generation may grow to in the walk thread, in MiB. Left to itself it grows to
 * 192 under the walk's steady allocation, though what it allocates dies within its page. Walking
 * the 980,067-event bench ledger on its thread (3 alternated runs each): peak RSS 344-351 MB with
 * 32 against 443-446 MB left to V8, in 7.64-7.85 s against 7.68-8.06 s.
 */
export const WALK_YOUNG_GENERATION_MB = 32;

/** What the walk thread posts back: the result, or why it could not walk. */
export type WalkThreadMessage = { readonly result: VerifyResult } | { readonly error: string };

/**
 * Walks on a worker thread that opens the log itself, so that hashing the whole chain (minutes,
 * on large logs) takes no turns from the caller's event loop. Aborting terminates the thread.
 */
export const walkOnOwnThread =
  (source: WalkStoreSource): ChainWalk =>
  (against, signal) =>
    new Promise<VerifyResult>((resolve, reject) => {
      signal.throwIfAborted();
      const thread = new Worker(new URL('./chainWalkThread.ts', import.meta.url), { workerData: { source, against }, resourceLimits: { maxYoungGenerationSizeMb: WALK_YOUNG_GENERATION_MB } });
      let settled = false;
      const settle = (done: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        done();
      };
      const onAbort = () => settle(() => (void thread.terminate(), reject(signal.reason)));
      signal.addEventListener('abort', onAbort, { once: true });
      thread.once('message', (message: WalkThreadMessage) => settle(() => ('result' in message ? resolve(message.result) : reject(new Error(`the chain walk thread could not walk: ${message.error}`)))));
      thread.once('error', (error) => settle(() => reject(error)));
      thread.once('exit', (code) => settle(() => reject(new Error(`the chain walk thread exited with code ${code} before reporting`))));
    });
