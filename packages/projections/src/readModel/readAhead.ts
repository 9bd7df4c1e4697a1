/**
 * Items of an iterable read ahead on demand, then given in order by iterating: a commit waiting
 * for another connection's write lock reads (and so serialises) its states while it waits, not
 * after. Items read ahead are held until iterated; the rest are read as they are iterated.
 */
export interface ReadAhead<T> extends Iterable<T> {
  /** Reads items for about `ms` milliseconds; false once every item has been read. */
  readFor(ms: number): boolean;
}

/** How many items are read between two looks at the clock. */
const ITEMS_PER_CLOCK_READ = 32;

export const readAhead = <T>(items: Iterable<T>): ReadAhead<T> => {
  const iterator = items[Symbol.iterator]();
  const buffer: T[] = [];
  let exhausted = false;
  return {
    readFor(ms) {
      const until = performance.now() + ms;
      while (!exhausted) {
        for (let i = 0; i < ITEMS_PER_CLOCK_READ; i++) {
          const next = iterator.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          buffer.push(next.value);
        }
        if (performance.now() >= until) break;
      }
      return !exhausted;
    },
    *[Symbol.iterator]() {
      for (let i = 0; i < buffer.length; i++) yield buffer[i]!;
      buffer.length = 0;
      if (exhausted) return;
      for (let next = iterator.next(); !next.done; next = iterator.next()) yield next.value;
      exhausted = true;
    },
  };
};
