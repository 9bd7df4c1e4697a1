import { customerStreamId } from '@roc-ledger/ledger';
import { IdentifierKind, type CustomerRef } from '@roc-ledger/events';
import { parseInstant } from '../dates.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openIngestor, openLedger } from '../openLedger.ts';
import { describeEvent } from '../output/describeEvent.ts';
import { formatTable } from '../output/table.ts';

export interface HistoryOptions {
  dataDir?: string;
  asOf?: string;
  knownAt?: string;
  json?: boolean;
}

/** `C0000042`, or `<identifier kind>:<value>` such as `email:ana@example.com`. */
const parseCustomerArg = (arg: string): CustomerRef => {
  const colon = arg.indexOf(':');
  const kind = IdentifierKind.safeParse(colon > 0 ? arg.slice(0, colon) : '');
  if (kind.success) return { kind: kind.data, value: arg.slice(colon + 1) };
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(arg)) {
    throw new CliError(CliErrorCode.invalidCustomer, `customer ${JSON.stringify(arg)}: give a customer id or <email|phone|loyaltyCard|webVisitorId>:<value>`);
  }
  return { kind: 'customerId', value: arg };
};

/** One customer's events by valid time; --as-of cuts by valid time, --known-at by transaction time. */
export const historyCommand = async (customer: string, options: HistoryOptions): Promise<number> => {
  const asOf = options.asOf ? parseInstant(options.asOf, '--as-of') : undefined;
  const knownAt = options.knownAt ? parseInstant(options.knownAt, '--known-at') : undefined;
  const ref = parseCustomerArg(customer);
  const ledger = openLedger(options.dataDir);
  const { store } = ledger;
  try {
    const { resolver } = await openIngestor(ledger);
    const customerId = ref.kind === 'customerId' ? (resolver.isKnown(ref.value) ? resolver.canonical(ref.value) : undefined) : resolver.lookup(ref);
    const { events, currentRevision } = customerId ? await store.readStream(customerStreamId(customerId)) : { events: [], currentRevision: -1 };
    if (currentRevision === -1) throw new CliError(CliErrorCode.customerNotFound, `no customer ${customer} in this ledger`);
    const shown = events
      .filter((e) => !asOf || Date.parse(e.occurredAt) <= asOf.getTime())
      .filter((e) => !knownAt || Date.parse(e.recordedAt) <= knownAt.getTime())
      .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.globalPosition - b.globalPosition);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    } else {
      const rows = shown.map((e) => [e.occurredAt, e.recordedAt, String(e.globalPosition), e.channel, e.type, describeEvent(e)]);
      process.stdout.write(`${formatTable(['occurredAt', 'recordedAt', 'position', 'channel', 'type', 'detail'], rows)}\n`);
      process.stdout.write(`${shown.length} of ${events.length} event(s) of customer ${customerId}\n`);
    }
    return ExitCode.ok;
  } finally {
    await store.close();
  }
};
