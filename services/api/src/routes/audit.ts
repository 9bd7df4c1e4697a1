import type { KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { consistencyProofDocument, createBundle, inclusionProofDocument, OutsideTreeError, signedTreeAt } from '@roc-ledger/audit';
import { parseCustomerRef } from '@roc-ledger/identity';
import type { Ingestor } from '@roc-ledger/ingest';
import { followMerkleTree, verifyLog, type ChainMonitor, type EventStore } from '@roc-ledger/ledger';
import { ApiErrorCode, HttpError } from '../errors.ts';
import { Instant, problemResponses, toInstant } from './schemas.ts';

const security: { [label: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }];

export interface AuditRouteOptions {
  readonly store: EventStore;
  readonly ingestor: Ingestor;
  /** The ledger's Ed25519 key: digests and bundles are signed with it. */
  readonly signingKey: { readonly privateKey: KeyObject; readonly publicKeyPem: string };
  /** The service's scheduled walks: a walk asked for joins the one running, or runs as the monitor runs them (serve: on a thread of its own). */
  readonly chain?: ChainMonitor;
}

/** For auditors (scope audit): the chain verified, signed Merkle digests, inclusion and consistency proofs, one customer's bundle. */
export const auditRoutes = (app: FastifyInstance, { store, ingestor, signingKey, chain }: AuditRouteOptions): void => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  // Kept for the service's life: each digest, proof or bundle reads only what was appended since the last.
  const merkle = followMerkleTree(store);
  typed.get(
    '/v1/audit/verify',
    {
      config: { scope: 'audit' },
      schema: { tags: ['audit'], summary: 'Walk the hash chain from the first event; name the first position that does not check out', security, response: { 200: z.record(z.string(), z.unknown()), ...problemResponses(401, 403) } },
    },
    // Without a monitor, on this thread in pages of the stores' default size: the walk runs between other requests.
    async () => (chain ? await chain.check() : await verifyLog(store.readStoredRecords())) as unknown as Record<string, unknown>,
  );
  /** A proof or digest about a tree or position the log does not hold yet is a 404. */
  const inTree = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof OutsideTreeError) throw new HttpError(404, ApiErrorCode.notFound, error.message);
      throw error;
    }
  };
  const Size = z.coerce.number().int().min(1).optional().describe('The tree of the first `size` events; the whole log without it.');
  const Digest = z.record(z.string(), z.unknown()).describe('The signed Merkle digest of that tree: algorithm, size, root, recordedAt, signature.');
  typed.get(
    '/v1/audit/digest',
    {
      config: { scope: 'audit' },
      schema: {
        tags: ['audit'],
        summary: "The log's Merkle root (RFC 9162), signed with the ledger's Ed25519 key, and the public key",
        security,
        querystring: z.object({ size: Size }),
        response: { 200: z.object({ digest: Digest, publicKey: z.string() }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ digest: (await inTree(async () => signedTreeAt(store, await merkle(), signingKey.privateKey, request.query.size))).digest as unknown as Record<string, unknown>, publicKey: signingKey.publicKeyPem }),
  );
  typed.get(
    '/v1/audit/proof',
    {
      config: { scope: 'audit' },
      schema: {
        tags: ['audit'],
        summary: "An event's inclusion proof (RFC 9162) in the tree of the first `size` events, with that tree's signed digest",
        description: 'Check it with verifyInclusion(leafHash, index, size, proof, digest.root): leafHash is SHA-256 of 0x00 and `body`, the bytes stored.',
        security,
        querystring: z.object({ position: z.coerce.number().int().min(1).describe("The event's position in the log (globalPosition)."), size: Size }),
        response: {
          200: z.object({ eventId: z.string(), position: z.int(), index: z.int(), size: z.int(), body: z.string(), leafHash: z.string(), proof: z.array(z.string()), digest: Digest }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const document = await inTree(async () => inclusionProofDocument(store, await merkle(), signingKey.privateKey, request.query.position, request.query.size));
      return document as unknown as { eventId: string; position: number; index: number; size: number; body: string; leafHash: string; proof: string[]; digest: Record<string, unknown> };
    },
  );
  typed.get(
    '/v1/audit/consistency',
    {
      config: { scope: 'audit' },
      schema: {
        tags: ['audit'],
        summary: 'The proof (RFC 9162) that the tree of `size` events extends the tree of `first`: the log was only appended to in between',
        description: 'Check it with verifyConsistency(first.size, second.size, first.root, second.root, proof), first.root being the root of a digest kept earlier.',
        security,
        querystring: z.object({ first: z.coerce.number().int().min(1).describe('The size of the earlier tree (a digest kept earlier).'), size: Size }),
        response: {
          200: z.object({ first: z.object({ size: z.int(), root: z.string() }), second: Digest, proof: z.array(z.string()) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const document = await inTree(async () => consistencyProofDocument(store, await merkle(), signingKey.privateKey, request.query.first, request.query.size));
      return document as unknown as { first: { size: number; root: string }; second: Record<string, unknown>; proof: string[] };
    },
  );
  typed.get(
    '/v1/audit/customers/:customer/bundle',
    {
      config: { scope: 'audit', personalData: true },
      schema: {
        tags: ['audit'],
        summary: "One customer's audit bundle: events with inclusion proofs against a signed digest, projections at asOf",
        description: 'Check it offline with `roc-ledger audit check`.',
        security,
        params: z.object({ customer: z.string().min(1) }),
        querystring: z.object({ asOf: Instant.optional() }),
        response: { 200: z.record(z.string(), z.unknown()), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const customerId = ingestor.resolver.resolve(parseCustomerRef(request.params.customer));
      if (customerId === undefined) throw new HttpError(404, ApiErrorCode.notFound, `no customer ${request.params.customer}`);
      const asOf = toInstant(request.query.asOf);
      return (await createBundle(store, await merkle(), customerId, ingestor.resolver.merges.members(customerId), signingKey, asOf)) as unknown as Record<string, unknown>;
    },
  );
};
