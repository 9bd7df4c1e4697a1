import { derivedUuid } from '@roc-ledger/identity';
import type { EventInput, EventOfType } from '@roc-ledger/events';
import type { Ingestor } from '@roc-ledger/ingest';
import { NO_PERSONAL_DATA, customerStreamId, type EventStore } from '@roc-ledger/ledger';
import type { KeyStore } from './keyStore.ts';

export type ErasureBasis = EventOfType<'CustomerErased'>['data']['basis'];

export interface ErasureRequest {
  /** The canonical customer. */
  readonly customerId: string;
  readonly basis: ErasureBasis;
  readonly reference?: string;
}

export interface ErasureResult {
  readonly customerId: string;
  /** Keys destroyed by this call (none when the customer was already erased). */
  readonly destroyedKeys: readonly string[];
  /** Where the CustomerErased event is in the log. */
  readonly globalPosition: number;
  readonly alreadyErased: boolean;
}

export interface EraseDependencies {
  readonly keys: KeyStore;
  readonly store: EventStore;
  /** The ingestion path: its resolver knows the merged customers, and folds the erasure so identifiers are freed. */
  readonly ingestor: Ingestor;
  readonly clock?: () => Date;
}

/**
 * Erases a customer's personal data: destroys the keys first, then records CustomerErased. A
 * crash between the two leaves the keys destroyed and is finished by erasing again; erasing an
 * erased customer changes nothing.
 */
export const eraseCustomer = async (deps: EraseDependencies, request: ErasureRequest): Promise<ErasureResult> => {
  const members = deps.ingestor.resolver.merges.members(request.customerId);
  const destroyedKeys = await deps.keys.destroy(members);
  const stream = await deps.store.readStream(customerStreamId(request.customerId));
  const recorded = stream.events.find((e) => e.type === 'CustomerErased');
  if (recorded) return { customerId: request.customerId, destroyedKeys, globalPosition: recorded.globalPosition, alreadyErased: destroyedKeys.length === 0 };
  const event = {
    eventId: derivedUuid(`customer-erased/${request.customerId}`),
    type: 'CustomerErased',
    schemaVersion: 1,
    customer: { kind: 'customerId', value: request.customerId },
    channel: 'system',
    source: 'roc-ledger/privacy',
    occurredAt: (deps.clock?.() ?? new Date()).toISOString(),
    data: { basis: request.basis, members, ...(request.reference ? { reference: request.reference } : {}) },
  } as EventInput;
  const { globalPosition } = await deps.ingestor.ingest(event, { recordedByLedger: true });
  return { customerId: request.customerId, destroyedKeys, globalPosition, alreadyErased: false };
};

/**
 * Destroys again every key an erasure recorded in the log destroyed: after a key store was
 * restored from a backup older than an erasure, its keys would otherwise come back. Returns the
 * key ids that had come back (none in the normal case).
 */
export const reapplyErasures = async (store: EventStore, keys: KeyStore): Promise<string[]> => {
  const revived: string[] = [];
  for await (const event of store.readAll({ types: ['CustomerErased'], openPersonalData: NO_PERSONAL_DATA })) {
    if (event.type !== 'CustomerErased') continue;
    revived.push(...(await keys.destroy(event.data.members)));
  }
  return revived;
};
