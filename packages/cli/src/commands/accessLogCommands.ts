import { openAccessLog } from '@roc-ledger/privacy';
import { accessLogFile } from '../accessLog.ts';
import { existingLedgerDir } from '../openLedger.ts';
import { parseInstant } from '../dates.ts';
import { ExitCode } from '../exitCodes.ts';
import { formatTable } from '../output/table.ts';

export interface AccessLogListOptions {
  dataDir?: string;
  customer?: string;
  actor?: string;
  purpose?: string;
  from?: string;
  to?: string;
  after?: number;
  limit?: number;
  json?: boolean;
}

/** `access-log list`: who read whose personal data, when and why (oldest first). */
export const accessLogListCommand = async (options: AccessLogListOptions): Promise<number> => {
  const log = openAccessLog(accessLogFile(existingLedgerDir(options.dataDir)));
  try {
    const entries = await log.query({
      ...(options.customer ? { customer: options.customer } : {}),
      ...(options.actor ? { actor: options.actor } : {}),
      ...(options.purpose ? { purpose: options.purpose } : {}),
      ...(options.from ? { from: parseInstant(options.from, '--from').toISOString() } : {}),
      ...(options.to ? { to: parseInstant(options.to, '--to').toISOString() } : {}),
      ...(options.after ? { after: options.after } : {}),
      limit: options.limit ?? 1000,
    });
    if (options.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    else {
      const rows = entries.map((e) => [String(e.position), e.at, e.actor, e.customer, e.purpose, e.action]);
      process.stdout.write(`${formatTable(['position', 'at', 'actor', 'customer', 'purpose', 'action'], rows)}\n${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}\n`);
    }
    return ExitCode.ok;
  } finally {
    await log.close();
  }
};

/** `access-log verify`: walks the access log's hash chain; exit 4 naming the first entry that does not check out. */
export const accessLogVerifyCommand = async (options: { dataDir?: string; json?: boolean }): Promise<number> => {
  const log = openAccessLog(accessLogFile(existingLedgerDir(options.dataDir)));
  try {
    const result = await log.verify();
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) process.stdout.write(`access log: OK, ${result.entries} entr${result.entries === 1 ? 'y' : 'ies'} chain to ${result.headHash}\n`);
    else process.stdout.write(`access log: FAILED at entry ${result.firstBadPosition}: ${result.reason}\n`);
    return result.ok ? ExitCode.ok : ExitCode.integrityFailed;
  } finally {
    await log.close();
  }
};
