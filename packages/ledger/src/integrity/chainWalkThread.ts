// A chain walk on a thread of its own (see walkOnOwnThread): opens the log through the module it
// was given, walks it with large pages (nothing else waits on this thread), posts the result.
import { parentPort, workerData } from 'node:worker_threads';
import type { EventStore } from '../eventStore/types.ts';
import type { LogDigest } from './digest.ts';
import type { WalkStoreSource, WalkThreadMessage } from './chainWalk.ts';
import { verifyLog } from './verifyLog.ts';

const { source, against } = workerData as { source: WalkStoreSource; against: LogDigest | undefined };
const post = (message: WalkThreadMessage) => parentPort!.postMessage(message);

let store: EventStore | undefined;
try {
  const { openStoreForWalk } = (await import(source.module)) as { openStoreForWalk: (data: unknown) => EventStore | Promise<EventStore> };
  store = await openStoreForWalk(source.data);
  post({ result: await verifyLog(store.readStoredRecords({ pageSize: 4096 }), against) });
} catch (error) {
  post({ error: error instanceof Error ? error.message : String(error) });
} finally {
  await store?.close();
}
// Ends the thread even if something of the store it opened still holds its event loop (a poll timer).
process.exit(0);
