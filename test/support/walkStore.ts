// The module a chain walk thread opens its store through, in tests (see walkOnOwnThread).
import type { EventStore } from '@roc-ledger/ledger';
import { openStore } from './tempLedger.ts';

export const openStoreForWalk = ({ dbPath }: { dbPath: string }): EventStore => {
  if (!dbPath) throw new Error('no dbPath given');
  return openStore(dbPath);
};
