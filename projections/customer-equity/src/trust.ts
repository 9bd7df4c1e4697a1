import type { TrustInput } from '@roc-ledger/clv';
import { MergeMap } from '@roc-ledger/identity';
import { NO_PERSONAL_DATA, CUSTOMER_STREAM_PREFIX, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import { foldEvents } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';

/**
 * Customers' trust scores at any instant, from the log: each customer's trust-score events that
 * had happened by then, folded in log order by the trust-score projection's own handlers and
 * scored for that instant. Customers follow every merge in the cut. Cost grows with customers ×
 * instants × events, so the series computes it only when a trust band or the trust adjustment is
 * asked for.
 */
export const trustFromLedger = async (store: EventStore, cut: { knownAt?: Date } = {}, retentionStrength?: number): Promise<TrustInput> => {
  const knownAt = cut.knownAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const merges = new MergeMap();
  const byStream = new Map<string, RecordedEvent[]>();
  const read = store.readAll({ types: [...new Set([...trustScore.consumes, 'CustomersMerged'])], openPersonalData: NO_PERSONAL_DATA, pageSize: 2048 });
  reading: for await (const page of read.pages()) {
    for (const event of page) {
      if (Date.parse(event.recordedAt) > knownAt) break reading;
      if (!event.streamId.startsWith(CUSTOMER_STREAM_PREFIX)) continue;
      if (event.type === 'CustomersMerged') {
        const { survivorId, mergedId } = event.data as { survivorId: string; mergedId: string };
        merges.apply({ survivorId, mergedId, globalPosition: event.globalPosition, occurredAt: event.occurredAt, recordedAt: event.recordedAt });
      }
      if ((trustScore.consumes as readonly string[]).includes(event.type)) {
        const customerId = event.streamId.slice(CUSTOMER_STREAM_PREFIX.length);
        const list = byStream.get(customerId);
        if (list) list.push(event);
        else byStream.set(customerId, [event]);
      }
    }
  }
  const byCustomer = new Map<string, RecordedEvent[]>();
  for (const [customerId, events] of byStream) {
    const canonical = merges.canonical(customerId);
    byCustomer.set(canonical, [...(byCustomer.get(canonical) ?? []), ...events].sort((a, b) => a.globalPosition - b.globalPosition));
  }
  const cache = new Map<string, number | undefined>();
  const score = trustScore.queries!.score!;
  return {
    ...(retentionStrength ? { retentionStrength } : {}),
    scoreAt: (customerId, at) => {
      const key = `${customerId}@${at}`;
      if (cache.has(key)) return cache.get(key);
      const events = byCustomer.get(merges.canonical(customerId))?.filter((e) => Date.parse(e.occurredAt) <= at);
      const value = events && events.length > 0 ? (score(foldEvents(trustScore, events), { at: new Date(at), partition: customerId }) as { score: number }).score : undefined;
      cache.set(key, value);
      return value;
    },
  };
};
