// What `serve`'s chain walk thread opens (see walkOnOwnThread): the same event store as the
// service, from the same data directory and environment (worker threads inherit it).
import type { EventStore, WalkStoreSource } from '@roc-ledger/ledger';
import { openLedger } from './openLedger.ts';

export const openStoreForWalk = ({ dataDir }: { dataDir: string }): EventStore => openLedger(dataDir).store;

/** The walk's store for a data directory. */
export const chainWalkSource = (dataDir: string): WalkStoreSource => ({ module: import.meta.resolve('./chainWalkContext.ts'), data: { dataDir } });
