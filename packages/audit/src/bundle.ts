import { customerView } from '@roc-ledger/customer-view';
import { customerStreamId, decodeRecord, leafHash, storedRecordAt, type EventStore, type MerkleSnapshot, type RecordedEvent, type SignedDigest, type StoredRecord } from '@roc-ledger/ledger';
import { foldEvents, type ProjectionDefinition } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import type { KeyObject } from 'node:crypto';
import { signedTreeAt } from './proofs.ts';

export const BUNDLE_FORMAT = 'roc-ledger-audit-bundle-v1';

/** The projections a bundle carries, and the query whose answer it records for each. */
export const AUDITED_PROJECTIONS: readonly { definition: ProjectionDefinition<any>; query: string }[] = [
  { definition: customerView, query: 'view' },
  { definition: trustScore, query: 'score' },
];

export interface BundledEvent {
  readonly position: number;
  readonly streamId: string;
  /** The stored bytes, exactly as kept: the Merkle leaf. */
  readonly body: string;
  readonly proof: readonly string[];
}

export interface BundledProjection {
  readonly projection: string;
  readonly query: string;
  readonly state: unknown;
  readonly result: unknown;
}

export interface AuditBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly customerId: string;
  /** The customer ids folded into this one: their streams are in the bundle too. */
  readonly members: readonly string[];
  /** Valid time the projections are for (null: the digest's time). */
  readonly asOf: string | null;
  /** The instant the projection queries were evaluated at. */
  readonly at: string;
  readonly createdAt: string;
  readonly digest: SignedDigest;
  /** The ledger's public key (PEM). Pin it with `audit check --public-key`: a bundle cannot vouch for its own key. */
  readonly publicKey: string;
  readonly events: readonly BundledEvent[];
  readonly projections: readonly BundledProjection[];
}

/** The events within a valid-time cut, in log order, as the projections fold them. */
export const eventsForProjections = (events: readonly RecordedEvent[], asOf: number): RecordedEvent[] =>
  events.filter((e) => Date.parse(e.occurredAt) <= asOf).sort((a, b) => a.globalPosition - b.globalPosition);

export const projectionsAt = (events: readonly RecordedEvent[], at: Date, customerId: string): BundledProjection[] =>
  AUDITED_PROJECTIONS.map(({ definition, query }) => {
    const state = foldEvents(definition, events);
    return { projection: `${definition.name}@${definition.version}`, query, state, result: definition.queries![query]!(state, { at, partition: customerId }) };
  });

/**
 * The stored records of these streams among the first `size` events, in log order: found through
 * the streams' own index, then fetched one by one, not by a pass over the whole log.
 */
const storedRecordsOf = async (store: EventStore, streamIds: readonly string[], size: number): Promise<StoredRecord[]> => {
  const positions: number[] = [];
  for (const streamId of streamIds) {
    for (const event of (await store.readStream(streamId)).events) if (event.globalPosition <= size) positions.push(event.globalPosition);
  }
  positions.sort((a, b) => a - b);
  const records: StoredRecord[] = [];
  for (const position of positions) records.push((await storedRecordAt(store, position))!);
  return records;
};

/**
 * One customer's audit bundle: every stored event of the customer's streams (and of customers
 * merged into it) with its inclusion proof against a digest of the log's tree signed now, and the
 * built-in projections' states and answers as of the date asked.
 */
export const createBundle = async (store: EventStore, merkle: MerkleSnapshot, customerId: string, members: readonly string[], key: { privateKey: KeyObject; publicKeyPem: string }, asOf?: Date): Promise<AuditBundle> => {
  const { tree, size, recordedAt } = merkle;
  const { digest } = await signedTreeAt(store, merkle, key.privateKey);
  const records = await storedRecordsOf(store, members.map(customerStreamId), size);
  const events: BundledEvent[] = [];
  for (const r of records) events.push({ position: r.globalPosition, streamId: r.streamId, body: r.body, proof: await tree.inclusionProof(r.globalPosition - 1, size) });
  const at = asOf ?? new Date(recordedAt ?? Date.now());
  const decoded = records.map((r) => decodeRecord(r.body, r.hash));
  return {
    format: BUNDLE_FORMAT,
    customerId,
    members,
    asOf: asOf?.toISOString() ?? null,
    at: at.toISOString(),
    createdAt: new Date().toISOString(),
    digest,
    publicKey: key.publicKeyPem,
    events,
    projections: projectionsAt(eventsForProjections(decoded, at.getTime()), at, customerId),
  };
};

export { leafHash };
