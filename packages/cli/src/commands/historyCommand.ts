import { customerHistory } from '@roc-ledger/ingest';
import { CustomerId } from '@roc-ledger/events';
import { parseCustomerRef } from '@roc-ledger/identity';
import { recordCliAccess } from '../accessLog.ts';
import { parseCut } from '../dates.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openLedger, openResolverFor } from '../openLedger.ts';
import { describeEvent } from '../output/describeEvent.ts';
import { formatTable } from '../output/table.ts';

export interface HistoryOptions {
  dataDir?: string;
  asOf?: string;
  knownAt?: string;
  json?: boolean;
  purpose?: string;
}


/** One customer's events by valid time; --as-of cuts by valid time, --known-at by transaction time. */
export const historyCommand = async (customer: string, options: HistoryOptions): Promise<number> => {
  const cut = parseCut(options);
  const ref = parseCustomerRef(customer);
  if (ref.kind === 'customerId' && !CustomerId.safeParse(ref.value).success) {
    throw new CliError(CliErrorCode.invalidCustomer, `customer ${JSON.stringify(customer)}: give a customer id or <email|phone|loyaltyCard|webVisitorId>:<value>`);
  }
  const ledger = openLedger(options.dataDir);
  const { store } = ledger;
  try {
    const resolver = await openResolverFor(ledger, ref);
    const history = await customerHistory(store, resolver, ref, cut);
    if (!history) throw new CliError(CliErrorCode.customerNotFound, `no customer ${customer} in this ledger`);
    await recordCliAccess(ledger.dataDir, options.purpose, history.customerId, 'history');
    if (options.json) {
      process.stdout.write(`${JSON.stringify(history.events, null, 2)}\n`);
    } else {
      const rows = history.events.map((e) => [e.occurredAt, e.recordedAt, String(e.globalPosition), e.channel, e.type, describeEvent(e)]);
      process.stdout.write(`${formatTable(['occurredAt', 'recordedAt', 'position', 'channel', 'type', 'detail'], rows)}\n`);
      process.stdout.write(`${history.events.length} of ${history.total} event(s) of customer ${history.customerId}\n`);
    }
    return ExitCode.ok;
  } finally {
    await store.close();
  }
};
