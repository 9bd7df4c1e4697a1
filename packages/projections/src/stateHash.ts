import { createHash } from 'node:crypto';
import type { ReadModelStore } from './readModel/types.ts';

/** sha256 over every partition's key and stored state, in partition order: equal hashes, byte-identical states. */
export const stateHash = async (readModels: ReadModelStore, key: string): Promise<{ hash: string; partitions: number }> => {
  const hash = createHash('sha256');
  let partitions = 0;
  for await (const record of readModels.partitions(key)) {
    hash.update(`${record.partition}\n${record.state}\n`);
    partitions++;
  }
  return { hash: hash.digest('hex'), partitions };
};
