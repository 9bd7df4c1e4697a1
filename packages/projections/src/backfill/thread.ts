// One projection's backfill on a thread of its own: the runtime's runner, as it would run in
// the runtime's process, over a store and read models this thread opens itself. It folds and
// commits up to the position it was given, then stops; the runtime's own runner carries on from
// the checkpoint it committed.
import { parentPort, workerData } from 'node:worker_threads';
import { projectionKey } from '../definition.ts';
import { ProjectionRunner } from '../runner.ts';
import { ProjectionWorker } from '../worker.ts';
import type { BackfillContext, FromThread, ThreadData, ToThread } from './protocol.ts';

const data = workerData as ThreadData;
const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);

const { openBackfillContext } = (await import(data.module)) as { openBackfillContext: (data: unknown) => Promise<BackfillContext> };
const context = await openBackfillContext(data.data);
const definition = context.definitions.find((d) => projectionKey(d) === data.key);
if (!definition) throw new Error(`the backfill module does not define ${data.key}`);

const worker = new ProjectionWorker(definition, context.store, context.readModels);
const runner = new ProjectionRunner(context.store, context.readModels, [worker], {
  ...(data.commitEvery ? { commitEvery: data.commitEvery } : {}),
  ...(data.commitEveryMs ? { commitEveryMs: data.commitEveryMs } : {}),
  ...(data.pageSize ? { pageSize: data.pageSize } : {}),
  onProgress: (progress) => post({ type: 'progress', progress }),
  // The runtime's runner meets the same event again, from the checkpoint committed before it, and reports it.
  onFailure: (_key, error) => post({ type: 'failed', message: error.message }),
});
// Asked to stop (the runtime stops): what is folded is committed, and the runtime resumes from it next time.
let stopAsked!: () => void;
const stopped = new Promise<void>((resolve) => (stopAsked = resolve));
port.on('message', (message: ToThread) => {
  if (message.type === 'stop') stopAsked();
});

await runner.start();
await Promise.race([runner.waitFor(data.until), stopped]);
await runner.stop();
post({ type: 'done', position: worker.committedPosition });
await context.close();
// Ends the thread even if something of the store it opened still holds its event loop (a poll timer).
process.exit(0);
