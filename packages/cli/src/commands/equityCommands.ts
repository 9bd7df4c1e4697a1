import { DatabaseSync } from 'node:sqlite';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PERIOD_UNITS, type EquityPoint, type PeriodUnit, type SegmentBy } from '@roc-ledger/clv';
import { querySeries, type SeriesQuery } from '@roc-ledger/customer-equity';
import { minorUnitDigits } from '@roc-ledger/events';
import { parseInstant } from '../dates.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { parseCustomerRef } from '@roc-ledger/identity';
import { openLedger, openResolverFor } from '../openLedger.ts';
import { formatTable } from '../output/table.ts';
import { csvLine } from '../output/csv.ts';

export interface EquityFlags {
  dataDir?: string;
  period?: string;
  from?: string;
  to?: string;
  asOf?: string;
  knownAt?: string;
  segment?: string;
  pinModelsAt?: string;
  trustAdjustment?: number;
  customer?: string;
  format?: string;
}

const SEGMENT_NAMES = ['acquisition-channel', 'main-channel', 'trust-band'];
const FORMATS = ['table', 'csv', 'json'];

const oneOf = (flag: string, value: string | undefined, allowed: readonly string[]) => {
  if (value !== undefined && !allowed.includes(value)) throw new CliError(CliErrorCode.invalidOutput, `${flag} ${value}: one of ${allowed.join(', ')}`);
  return value;
};

const queryFrom = (flags: EquityFlags): SeriesQuery => ({
  period: (oneOf('--period', flags.period, PERIOD_UNITS) ?? 'month') as PeriodUnit,
  ...(flags.from ? { from: parseInstant(flags.from, '--from') } : {}),
  ...(flags.to ? { to: parseInstant(flags.to, '--to') } : {}),
  ...(flags.asOf ? { asOf: parseInstant(flags.asOf, '--as-of') } : {}),
  ...(flags.knownAt ? { knownAt: parseInstant(flags.knownAt, '--known-at') } : {}),
  ...(flags.segment ? { segment: oneOf('--segment', flags.segment, SEGMENT_NAMES) as SegmentBy } : {}),
  ...(flags.pinModelsAt ? { pinModelsAt: parseInstant(flags.pinModelsAt, '--pin-models-at') } : {}),
  ...(flags.trustAdjustment !== undefined ? { trustAdjustment: flags.trustAdjustment } : {}),
});

/** A figure in the reporting currency's major units, to its minor unit (cents for EUR, whole yen). */
const moneyIn = (currency: string) => {
  const digits = minorUnitDigits(currency);
  return (v: number | null) => (v === null ? '' : v.toFixed(digits));
};
const percent = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(2)} %`);

/** One row per period (and per segment, with --segment). */
const rows = (points: readonly EquityPoint[], segment: SegmentBy | undefined) =>
  points.flatMap((p) =>
    segment
      ? Object.entries(p.segments?.[segment] ?? {}).map(([name, s]) => ({ period: p.period, segment: name, customers: s.customers, equityStart: s.equityStart, equityEnd: s.equityEnd, cashFlow: s.cashFlow, roc: s.roc }))
      : [{ period: p.period, segment: 'total', customers: p.customers, equityStart: p.equityStart, equityEnd: p.equityEnd, cashFlow: p.cashFlow, roc: p.roc, note: 'unavailable' in p.models ? p.models.unavailable : '' }],
  );

/** `equity` and `roc`: the series from the log (as of / as known at a date), as a table, CSV or JSON. */
export const equityCommand = async (what: 'equity' | 'roc', flags: EquityFlags): Promise<number> => {
  const format = oneOf('--format', flags.format, FORMATS) ?? 'table';
  let query = queryFrom(flags);
  const ledger = openLedger(flags.dataDir);
  const currency = ledger.contract.reportingCurrency;
  const money = moneyIn(currency);
  try {
    let customerId: string | undefined;
    if (flags.customer) {
      const ref = parseCustomerRef(flags.customer);
      const resolver = await openResolverFor(ledger, ref);
      customerId = resolver.resolve(ref);
      if (customerId === undefined) throw new CliError(CliErrorCode.customerNotFound, `no customer ${flags.customer} in this ledger`);
      query = { ...query, customers: [customerId] };
    }
    const answer = await querySeries(ledger.store, undefined, query);
    if (customerId !== undefined) {
      const points = answer.points.map((p) => ({ period: p.period, end: p.end, equity: p.customerEquity?.[customerId] ?? null }));
      if (format === 'json') process.stdout.write(`${JSON.stringify({ customerId, currency, period: answer.period, points }, null, 2)}\n`);
      else if (format === 'csv') process.stdout.write([csvLine(['period', 'customer_equity']), ...points.map((p) => csvLine([p.period, p.equity]))].join(''));
      else process.stdout.write(`${formatTable(['period', `CE of ${customerId} (${currency})`], points.map((p) => [p.period, money(p.equity)]))}\n`);
      return ExitCode.ok;
    }
    const table = rows(answer.points, query.segment);
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify({ currency, ...answer }, null, 2)}\n`);
    } else if (format === 'csv') {
      const header = ['period', 'segment', 'customers', 'equity_start', 'equity_end', 'cash_flow', 'roc'];
      process.stdout.write([csvLine(header), ...table.map((r) => csvLine([r.period, r.segment, r.customers, r.equityStart, r.equityEnd, r.cashFlow, r.roc]))].join(''));
    } else {
      const [cashFlow, start, end] = ['cash flow', 'CE start', 'CE end'].map((label) => `${label} (${currency})`) as [string, string, string];
      const header = what === 'roc' ? ['period', 'segment', 'ROC', cashFlow, start, end, 'note'] : ['period', 'segment', 'customers', start, end, cashFlow, 'note'];
      const cells = table.map((r) =>
        what === 'roc'
          ? [r.period, r.segment, percent(r.roc), money(r.cashFlow), money(r.equityStart), money(r.equityEnd), 'note' in r ? String(r.note) : '']
          : [r.period, r.segment, String(r.customers), money(r.equityStart), money(r.equityEnd), money(r.cashFlow), 'note' in r ? String(r.note) : ''],
      );
      process.stdout.write(`${formatTable(header, cells)}\n`);
    }
    return ExitCode.ok;
  } finally {
    await ledger.store.close();
  }
};

/** `restatements`: the past figures the service restated as late events arrived, with their causes. */
export const restatementsCommand = async (flags: { dataDir?: string; period?: string; format?: string }): Promise<number> => {
  const format = oneOf('--format', flags.format, FORMATS) ?? 'table';
  const period = oneOf('--period', flags.period, PERIOD_UNITS) ?? 'month';
  const ledger = openLedger(flags.dataDir);
  await ledger.store.close();
  const currency = ledger.contract.reportingCurrency;
  const money = moneyIn(currency);
  const path = join(ledger.dataDir, 'readmodels.db');
  const found: { period: string; recordedAt: string; old: { equityEnd: number | null; roc: number | null }; new: { equityEnd: number | null; roc: number | null }; causedBy: { eventId: string }[] }[] = [];
  if (existsSync(path)) {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'equity_restatements'").get();
      if (hasTable) for (const row of db.prepare('SELECT body FROM equity_restatements WHERE unit = ? ORDER BY seq').all(period) as { body: string }[]) found.push(JSON.parse(row.body));
    } finally {
      db.close();
    }
  }
  if (format === 'json') process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
  else if (format === 'csv') {
    const header = ['period', 'recorded_at', 'old_equity_end', 'new_equity_end', 'old_roc', 'new_roc', 'caused_by'];
    process.stdout.write([csvLine(header), ...found.map((r) => csvLine([r.period, r.recordedAt, r.old.equityEnd, r.new.equityEnd, r.old.roc, r.new.roc, r.causedBy.map((c) => c.eventId).join(' ')]))].join(''));
  }
  else {
    process.stdout.write(`${formatTable(['period', 'restated at', `CE end was (${currency})`, `CE end now (${currency})`, 'ROC was', 'ROC now', 'caused by'], found.map((r) => [r.period, r.recordedAt, money(r.old.equityEnd), money(r.new.equityEnd), percent(r.old.roc), percent(r.new.roc), `${r.causedBy.length} late event(s)`]))}\n`);
    process.stdout.write(`${found.length} restatement(s), recorded by \`roc-ledger serve\` as late events arrived\n`);
  }
  return ExitCode.ok;
};
