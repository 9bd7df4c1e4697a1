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

  async function* pages(): AsyncGenerator<readonly RecordedEvent[]> {
    const breathe = breather();
    while (!abort.signal.aborted) {
      await breathe();
      // Read the head first: once a short page comes back, everything up to it has been seen.
      const head = await source.headPosition();
      const page = await source.readPage(scanned, pageSize, options);
      if (page.length > 0) {
        if (abort.signal.aborted) return;
        scanned = page[page.length - 1]!.globalPosition;
        yield page;
      }
      if (page.length === pageSize) continue;
      scanned = Math.max(scanned, head);
      options.onCaughtUp?.(scanned);
      await source.waitForAppend(scanned, abort.signal);
    }
  }

  async function* events(): AsyncGenerator<RecordedEvent> {
    for await (const page of pages()) {
      for (const event of page) {
        if (abort.signal.aborted) return;
        yield event;
      }
    }
  }

  let eventIterator: AsyncGenerator<RecordedEvent> | undefined;
  let pageIterator: AsyncGenerator<readonly RecordedEvent[]> | undefined;
  return {
    [Symbol.asyncIterator]: () => (eventIterator ??= events()),
    pages: () => ({ [Symbol.asyncIterator]: () => (pageIterator ??= pages()) }),
    async close() {
      abort.abort();
      await eventIterator?.return(undefined);
      await pageIterator?.return(undefined);
    },
  };
};
