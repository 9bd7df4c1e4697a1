import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PRIVATE_FILE_MODE } from '@roc-ledger/store-sqlite';

/**
 * Writes chunks to a file, or to standard output without one, waiting whenever the stream asks.
 * A file it creates is readable by its owner alone: what a command writes out (a projection's
 * rows, the log's events) is customers' data. A file that exists keeps its mode.
 */
export const writeOut = async (path: string | undefined, chunks: Iterable<string> | AsyncIterable<string>): Promise<void> => {
  const out = path ? createWriteStream(path, { mode: PRIVATE_FILE_MODE }) : process.stdout;
  try {
    for await (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
  } finally {
    if (path) {
      out.end();
      await once(out, 'finish');
    }
  }
};
