// A backfill on a thread of its own: the runtime's runner, as it would run in the runtime's
// process, over a store and read models this thread opens itself, for the projections it was
// given, or for its shard of their customers. It folds and commits up to exactly the position it
// was given, then stops; the runtime carries on from the checkpoints it committed.
import { parentPort, workerData } from 'node:worker_threads';
import { ProjectionRunner } from '../runner.ts';
import { ProjectionWorker } from '../worker.ts';
import { byCustomer, projectionKey } from '../definition.ts';
import { keepOf } from '../replay.ts';
import { BACKFILL_OWNER, shardSelection } from './shardSelection.ts';
import type { BackfillContext, FromThread, ThreadData, ToThread } from './protocol.ts';

const data = workerData as ThreadData;
const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);

const { openBackfillContext } = (await import(data.module)) as { openBackfillContext: (data: unknown) => Promise<BackfillContext> };
const context = await openBackfillContext(data.data);
const definitions = data.keys.map((key) => {
  const definition = context.definitions.find((d) => projectionKey(d) === key);
  if (!definition) throw new Error(`the backfill module does not define ${key}`);
  return definition;
});

const shard = data.shard && { ...data.shard, owner: BACKFILL_OWNER, epoch: 0 };
const keep = keepOf(data.cut);
const workers = definitions.map((definition) => new ProjectionWorker(definition, context.store, context.readModels, { ...(shard ? { shard } : {}), ...(keep ? { keep } : {}) }));
// Events of other customers' streams are not even decoded, where every projection here is per customer.
const streams = shard && definitions.every(byCustomer) ? await shardSelection(context.store, shard) : undefined;
const runner = new ProjectionRunner(context.store, context.readModels, workers, {
  ...(data.commitEvery ? { commitEvery: data.commitEvery } : {}),
  ...(data.commitEveryMs ? { commitEveryMs: data.commitEveryMs } : {}),
  ...(data.pageSize ? { pageSize: data.pageSize } : {}),
  ...(streams ? { streams } : {}),
  ...(keep ? { keep } : {}),
  until: data.until,
  onProgress: (progress) => post({ type: 'progress', progress }),
  // The runtime's runner meets the same event again, from the checkpoint committed before it, and reports it.
  onFailure: (key, error) => post({ type: 'failed', key, message: error.message }),
});
// Asked to stop (the runtime stops): what is folded is committed, and the runtime resumes from it next time.
let stopAsked!: () => void;
const stopped = new Promise<void>((resolve) => (stopAsked = resolve));
port.on('message', (message: ToThread) => {
  if (message.type === 'stop') stopAsked();
});

await runner.start();
await Promise.race([runner.waitFor(data.until.position), stopped]);
await runner.stop();
post({ type: 'done', positions: Object.fromEntries(workers.map((w) => [w.key, w.committedPosition])) });
await context.close();
// Ends the thread even if something of the store it opened still holds its event loop (a poll timer).
process.exit(0);
