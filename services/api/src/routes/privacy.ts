import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseCustomerRef } from '@roc-ledger/identity';
import type { Ingestor } from '@roc-ledger/ingest';
import type { EventStore } from '@roc-ledger/ledger';
import { eraseCustomer, type KeyStore } from '@roc-ledger/privacy';
import type { ProjectionRuntime } from '@roc-ledger/projections';
import { ApiErrorCode, HttpError } from '../errors.ts';
import { problemResponses } from './schemas.ts';

const ErasureResponse = z.object({
  customerId: z.string(),
  destroyedKeys: z.array(z.string()).describe('Keys destroyed by this request (none when the customer was already erased).'),
  globalPosition: z.number().int().describe('Where the CustomerErased event is in the log.'),
  alreadyErased: z.boolean(),
  readModels: z
    .enum(['refolded', 'pending', 'not-kept-by-this-service'])
    .describe(
      "Whether the projections were refolded without the personal data before the answer: pending when they were not within refoldWaitMs (the projector services are down or far behind; they refold when they reach the erasure, and GET /v1/projections shows when).",
    ),
});

export interface PrivacyRouteOptions {
  readonly store: EventStore;
  readonly ingestor: Ingestor;
  readonly keys: KeyStore;
  readonly runtime?: ProjectionRuntime;
  /** How long an erasure waits for the projections to refold it before answering pending (default 30 s). */
  readonly refoldWaitMs?: number;
}

/** Erasure (scope admin): destroys a customer's keys, records CustomerErased, answers once the read models are refolded. */
export const privacyRoutes = (app: FastifyInstance, { store, ingestor, keys, runtime, refoldWaitMs = 30_000 }: PrivacyRouteOptions): void => {
  app.withTypeProvider<ZodTypeProvider>().delete(
    '/v1/customers/:customer/personal-data',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['privacy'],
        summary: "Erase a customer's personal data",
        description:
          "Destroys the keys sealing the customer's personal data (theirs and every merged customer's), records CustomerErased and answers once this service's projections are refolded. Non-personal facts stay. Erasing again changes nothing.",
        security: [{ apiKey: [] }, { bearer: [] }],
        params: z.object({ customer: z.string().min(1).describe('A customer id, or <kind>:<value> such as email:ana@example.com') }),
        querystring: z.object({
          basis: z.enum(['customer-request', 'retention-expired', 'legal-order', 'other']).default('customer-request'),
          reference: z.string().min(1).max(200).optional().describe('The request or ticket id (never personal data).'),
        }),
        response: { 200: ErasureResponse, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const customerId = ingestor.resolver.resolve(parseCustomerRef(request.params.customer));
      if (customerId === undefined) throw new HttpError(404, ApiErrorCode.notFound, `no customer ${request.params.customer}`);
      const { basis, reference } = request.query;
      const result = await eraseCustomer({ keys, store, ingestor }, { customerId, basis, ...(reference ? { reference } : {}) });
      const readModels: z.infer<typeof ErasureResponse>['readModels'] = runtime ? ((await runtime.reached(result.globalPosition, refoldWaitMs)) ? 'refolded' : 'pending') : 'not-kept-by-this-service';
      request.log.info({ customerId, destroyedKeys: result.destroyedKeys.length, position: result.globalPosition, readModels }, 'personal data erased');
      return { ...result, destroyedKeys: [...result.destroyedKeys], readModels };
    },
  );
};

