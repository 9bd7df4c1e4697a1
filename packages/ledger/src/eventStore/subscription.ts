import { breather, DEFAULT_PAGE_SIZE, type PageSource } from './paging.ts';
import type { RecordedEvent, SubscribeOptions, Subscription } from './types.ts';

/**
 * Catch-up then live, over any PageSource. It always reads from the store after the last
 * position it has passed, whether catching up or woken by an append, so the hand-over to
 * live can neither skip nor repeat an event.
 */
export const catchUpSubscription = (source: PageSource, options: SubscribeOptions = {}): Subscription => {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const abort = new AbortController();
  let scanned = options.after ?? 0;

  async function* run(): AsyncGenerator<RecordedEvent> {
    const breathe = breather();
    while (!abort.signal.aborted) {
      await breathe();
      // Read the head first: once a short page comes back, everything up to it has been seen.
      const head = await source.headPosition();
      const page = await source.readPage(scanned, pageSize, options);
      for (const event of page) {
        if (abort.signal.aborted) return;
        scanned = event.globalPosition;
        yield event;
      }
      if (page.length === pageSize) continue;
      scanned = Math.max(scanned, head);
      options.onCaughtUp?.(scanned);
      await source.waitForAppend(scanned, abort.signal);
    }
  }

  const iterator = run();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      abort.abort();
      await iterator.return(undefined);
    },
  };
};
