import { CustomerId } from '@roc-ledger/events';
import { parseCustomerRef } from '@roc-ledger/identity';
import { eraseCustomer, type ErasureBasis } from '@roc-ledger/privacy';
import { isSharded, ProjectionRuntime, type ReadModelStore } from '@roc-ledger/projections';
import type { EventStore } from '@roc-ledger/ledger';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openIngestor, openLedger } from '../openLedger.ts';
import { openReadModels, registeredDefinitions, runningService } from '../projections.ts';

export interface EraseOptions {
  dataDir?: string;
  basis: ErasureBasis;
  reference?: string;
  json?: boolean;
}

/**
 * Destroys the customer's keys, records CustomerErased, and brings the read models up to date so
 * that none keeps the personal data. With a service running on the data directory, the erasure
 * goes through it (DELETE /v1/customers/:id/personal-data) instead.
 */
/**
 * Refolds the read models up to the erasure: this process folds them, unless they are shared
 * (PostgreSQL), where the projector instances (or a serve) folding them do it; then it waits for
 * them up to 30 s, and answers false when none is folding or none got there in time.
 */
const refold = async (store: EventStore, readModels: ReadModelStore, position: number): Promise<boolean> => {
  const { definitions } = await registeredDefinitions(readModels);
  if (!isSharded(readModels)) {
    const runtime = new ProjectionRuntime({ store, readModels, definitions });
    await runtime.start();
    await runtime.waitFor(position);
    await runtime.stop();
    return true;
  }
  const shards = await Promise.all((await readModels.rows()).map((row) => readModels.shardRows(row.key)));
  if (!shards.flat().some((shard) => shard.owner !== null)) return false;
  return new ProjectionRuntime({ store, readModels, definitions, folds: 'none' }).reached(position, 30_000);
};

export const eraseCommand = async (customer: string, options: EraseOptions): Promise<number> => {
  const ref = parseCustomerRef(customer);
  if (ref.kind === 'customerId' && !CustomerId.safeParse(ref.value).success) {
    throw new CliError(CliErrorCode.invalidCustomer, `customer ${JSON.stringify(customer)}: give a customer id or <email|phone|loyaltyCard|webVisitorId>:<value>`);
  }
  const ledger = openLedger(options.dataDir);
  try {
    // A running service resolves identities and folds projections in memory: it must see the erasure itself.
    const servicePid = runningService(ledger.dataDir);
    if (servicePid !== undefined) {
      throw new CliError(CliErrorCode.serviceRunning, `roc-ledger serve (pid ${servicePid}) runs on this data directory: erase through it, DELETE /v1/customers/${customer}/personal-data (scope admin), so that its identity resolution and projections take the erasure at once`);
    }
    const ingestor = await openIngestor(ledger);
    const customerId = ingestor.resolver.resolve(ref);
    if (customerId === undefined) throw new CliError(CliErrorCode.customerNotFound, `no customer ${customer} in this ledger (an erased customer's identifiers name nobody: give the customer id)`);
    const result = await eraseCustomer({ keys: ledger.keys, store: ledger.store, ingestor }, { customerId, basis: options.basis, ...(options.reference ? { reference: options.reference } : {}) });

    const readModels = await openReadModels(ledger.dataDir);
    const refolded = await refold(ledger.store, readModels, result.globalPosition);
    await readModels.close();
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...result, readModels: refolded ? 'refolded' : 'pending' })}\n`);
    } else {
      const what = result.alreadyErased ? 'was already erased' : `erased: ${result.destroyedKeys.length} key(s) destroyed`;
      const models = refolded ? 'read models refolded' : 'the shared read models are refolded when their projectors reach it (none has yet)';
      process.stdout.write(`customer ${result.customerId} ${what}; CustomerErased at position ${result.globalPosition}; ${models}\n`);
    }
    return ExitCode.ok;
  } finally {
    await ledger.store.close();
  }
};
