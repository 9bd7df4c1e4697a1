import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ImportItem } from './runImport.ts';

/** Numbered lines of a file or of standard input, streamed. `bytesRead` lets a progress bar follow a file. */
export const numberedLines = (input: Readable): AsyncIterable<ImportItem> & { bytesRead: () => number } => {
  let bytes = 0;
  input.on('data', (chunk: Buffer | string) => (bytes += chunk.length));
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  return {
    bytesRead: () => bytes,
    async *[Symbol.asyncIterator]() {
      let line = 0;
      for await (const text of reader) yield { line: ++line, text };
    },
  };
};

export const openInput = (file: string): Readable => (file === '-' ? process.stdin : createReadStream(file));
