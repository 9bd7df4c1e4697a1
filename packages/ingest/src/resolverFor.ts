import type { CustomerRef } from '@roc-ledger/events';
import { IdentityResolver } from '@roc-ledger/identity';
import { customerStreamId, NO_PERSONAL_DATA } from '@roc-ledger/ledger';
import { Ingestor, type IngestorOptions } from './ingestor.ts';

/**
 * A resolver folded from as much of the log as resolving this one reference needs, for a command
 * that resolves one customer and exits (`history`, `audit bundle`, `equity --customer`).
 *
 * A customer id resolves to its canonical id if its stream exists, following merges: the merges
 * alone (read through their own index) and the stream's first event answer exactly as the whole
 * identity index would. An identifier needs every link and erasure, so the index is folded from the
 * whole log as `Ingestor.open` does (on a million events, most of such a command's 1.3-1.7 s, spent
 * opening every linked identifier).
 */
export const resolverFor = async (options: IngestorOptions, ref: CustomerRef): Promise<IdentityResolver> => {
  if (ref.kind !== 'customerId') return (await Ingestor.open(options)).resolver;
  const { store } = options;
  const resolver = new IdentityResolver(options.normalization);
  for await (const merge of store.readAll({ types: ['CustomersMerged'], openPersonalData: NO_PERSONAL_DATA })) resolver.apply(merge);
  const first = (await store.readStream(customerStreamId(ref.value), { maxCount: 1 })).events[0];
  if (first) resolver.noteStreamStart(first.streamId, first.globalPosition);
  return resolver;
};
