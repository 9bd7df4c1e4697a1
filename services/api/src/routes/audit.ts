import type { KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createBundle } from '@roc-ledger/audit';
import { parseCustomerRef } from '@roc-ledger/identity';
import type { Ingestor } from '@roc-ledger/ingest';
import { followMerkleTree, merkleDigestOf, signDigest, verifyLog, type ChainMonitor, type EventStore } from '@roc-ledger/ledger';
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

/** For auditors (scope audit): the chain verified, a signed Merkle digest, one customer's bundle. */
export const auditRoutes = (app: FastifyInstance, { store, ingestor, signingKey, chain }: AuditRouteOptions): void => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  // Kept for the service's life: each digest or bundle reads only what was appended since the last.
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
  typed.get(
    '/v1/audit/digest',
    {
      config: { scope: 'audit' },
      schema: {
        tags: ['audit'],
        summary: "The log's Merkle root (RFC 9162), signed with the ledger's Ed25519 key, and the public key",
        security,
        response: { 200: z.object({ digest: z.record(z.string(), z.unknown()), publicKey: z.string() }), ...problemResponses(401, 403) },
      },
    },
    async () => {
      const { tree, size, recordedAt } = await merkle();
      return { digest: signDigest(await merkleDigestOf(tree, recordedAt, size), signingKey.privateKey) as unknown as Record<string, unknown>, publicKey: signingKey.publicKeyPem };
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
