import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createContract, type AnyVersionEventInput } from '@roc-ledger/events';
import type { EventStore } from '@roc-ledger/ledger';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';

/** What the benchmarks do with a store, so that roc-ledger and its peers run the same workload. */
export interface BenchStore {
  readonly name: string;
  append(streamId: string, events: readonly AnyVersionEventInput[]): Promise<void>;
  readStream(streamId: string): Promise<number>;
  readAll(onEvent: (event: { type: string; customer: { value: string }; data: unknown }) => void): Promise<number>;
  close(): Promise<void>;
}

export const contract = createContract({ reportingCurrency: 'EUR' });

export const rocLedgerStore = (path: string): BenchStore & { store: EventStore } => {
  const store = getSqliteEventStore({ path, contract });
  return {
    name: 'roc-ledger',
    store,
    append: async (streamId, events) => void (await store.append(streamId, events)),
    readStream: async (streamId) => (await store.readStream(streamId)).events.length,
    async readAll(onEvent) {
      let n = 0;
      for await (const event of store.readAll({ pageSize: 1024 })) {
        onEvent(event);
        n++;
      }
      return n;
    },
    close: () => store.close(),
  };
};

const peersRequire = createRequire(join(import.meta.dirname, '..', 'peers', 'package.json'));

/** Is a peer installed (by `npm run bench:setup`)? */
export const peerInstalled = (name: string): boolean => {
  try {
    peersRequire.resolve(name);
    return true;
  } catch {
    return false;
  }
};

/**
 * Emmett 0.38 runs some statements without a callback (its WAL pragma, closes), so sqlite3 raises
 * their errors as uncaught exceptions after the awaited work is done. They are counted, reported
 * in the results' notes, and do not end the benchmark.
 */
export const emmettBackgroundErrors = { count: 0, codes: new Set<string>() };
process.on('uncaughtException', (error: Error & { code?: string }) => {
  if (!error.code?.startsWith('SQLITE_')) throw error;
  emmettBackgroundErrors.count++;
  emmettBackgroundErrors.codes.add(error.code);
});

export const peerNote = (impl: string): string | undefined =>
  impl === 'emmett-sqlite' && emmettBackgroundErrors.count > 0
    ? `${emmettBackgroundErrors.count} error(s) from the peer, retried or raised in the background: ${[...emmettBackgroundErrors.codes].join(', ')}`
    : undefined;

/** Emmett's SQLite event store, when `npm run bench:setup` has installed it; otherwise undefined. */
export const emmettStore = async (path: string): Promise<BenchStore | undefined> => {
  let emmett: any;
  try {
    emmett = await import(peersRequire.resolve('@event-driven-io/emmett-sqlite'));
  } catch {
    return undefined;
  }
  const store = emmett.getSQLiteEventStore({ fileName: path, schema: { autoMigration: 'CreateOrUpdate' } });
  // Emmett 0.38's store shares one sqlite3 connection per instance and closes it after every
  // call, so concurrent appends fail (SQLITE_BUSY / MISUSE). Appends are serialised here.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  // Emmett keeps the producer envelope in metadata: the same bytes as roc-ledger stores.
  const toEmmett = ({ type, data, ...envelope }: AnyVersionEventInput) => ({ type, data, metadata: envelope });
  return {
    name: 'emmett-sqlite',
    append: (streamId, events) =>
      serialised(async () => {
        // Its failed appends have rolled back; retry them, and say how often in the results.
        for (let attempt = 1; ; attempt++) {
          try {
            return void (await store.appendToStream(streamId, events.map(toEmmett)));
          } catch (error) {
            if (attempt === 5 || !(error as { code?: string }).code?.startsWith('SQLITE_')) throw error;
            emmettBackgroundErrors.count++;
            emmettBackgroundErrors.codes.add((error as { code: string }).code);
          }
        }
      }),
    readStream: (streamId) => serialised(async () => (await store.readStream(streamId)).events.length),
    async readAll(onEvent) {
      const connection = emmett.sqliteConnection({ fileName: path });
      let after = 0n;
      let n = 0;
      try {
        for (;;) {
          const batch = await emmett.readMessagesBatch(connection, { after, batchSize: 1024 });
          for (const message of batch.messages) {
            onEvent({ type: message.type, customer: message.metadata.customer, data: message.data });
            n++;
          }
          if (batch.messages.length < 1024) return n;
          after = batch.currentGlobalPosition;
        }
      } finally {
        connection.close();
      }
    },
    // Emmett closes its connection without waiting; give the close a moment before files are removed.
    close: () => serialised(() => new Promise((resolve) => setTimeout(resolve, 50))),
  };
};
