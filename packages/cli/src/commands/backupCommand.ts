import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import { verifyLog } from '@roc-ledger/ledger';
import { createPrivateFile, getSqliteEventStore, makePrivateDir } from '@roc-ledger/store-sqlite';
import { createContract } from '@roc-ledger/events';
import { accessLogFile } from '../accessLog.ts';
import { loadConfig, resolveDataDir } from '../config.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { eventStoreKind } from '../openEventStore.ts';
import { existingLedgerDir, keyStorePath } from '../openLedger.ts';
import { apiKeysFile } from './serveCommand.ts';
import { signingKeyFile } from './proofCommands.ts';

export interface BackupOptions {
  dataDir?: string;
  out: string;
  keysOut?: string;
  json?: boolean;
}

/** An online copy of one SQLite file (SQLite's backup API: consistent while the service writes), readable by its owner only. */
const copyDatabase = async (from: string, to: string): Promise<void> => {
  createPrivateFile(to);
  const source = new DatabaseSync(from, { readOnly: true });
  try {
    await backup(source, to);
  } finally {
    source.close();
  }
};

/**
 * `backup --out DIR [--keys-out DIR2]`: the event store, the access log and the settings, copied
 * consistently while the service runs, and the copy's chain verified. The key store goes only to
 * --keys-out, a separate place: kept with the log, a backup would keep erased customers' keys.
 * Read models are not copied: they rebuild from the log.
 */
export const backupCommand = async (options: BackupOptions): Promise<number> => {
  const dataDir = resolveDataDir(options.dataDir);
  const out = resolve(options.out);
  if (out === dataDir) throw new CliError(CliErrorCode.invalidOutput, '--out must be another directory than the data directory');
  if (options.keysOut && resolve(options.keysOut) === out) throw new CliError(CliErrorCode.invalidOutput, '--keys-out must be another directory than --out: keys kept with the log would survive an erasure in every backup');
  if (eventStoreKind() === 'eventstoredb') {
    throw new CliError(CliErrorCode.invalidConfig, 'the event store is EventStoreDB (ROC_LEDGER_EVENT_STORE_URL): back it up with its own tools (docs/operations.md); `verify` checks the chain of a restored database');
  }
  existingLedgerDir(dataDir);
  const { reportingCurrency } = loadConfig(dataDir);
  makePrivateDir(out);
  await copyDatabase(join(dataDir, 'events.db'), join(out, 'events.db'));
  const copied = ['events.db'];
  if (existsSync(accessLogFile(dataDir))) {
    await copyDatabase(accessLogFile(dataDir), join(out, 'access.db'));
    copied.push('access.db');
  }
  for (const file of [join(dataDir, 'ledger.json'), apiKeysFile(dataDir), signingKeyFile(dataDir)]) {
    if (!existsSync(file)) continue;
    copyFileSync(file, join(out, file.slice(dataDir.length + 1)));
    copied.push(file.slice(dataDir.length + 1));
  }
  let keys: string | null = null;
  if (options.keysOut && existsSync(keyStorePath(dataDir))) {
    makePrivateDir(resolve(options.keysOut));
    keys = join(resolve(options.keysOut), 'keys.db');
    await copyDatabase(keyStorePath(dataDir), keys);
  }

  const copy = getSqliteEventStore({ path: join(out, 'events.db'), contract: createContract({ reportingCurrency }) });
  const verified = await verifyLog(copy.readStoredRecords({ pageSize: 4096 }));
  await copy.close();
  const result = { out, copied, keys, verified: verified.ok, position: verified.head.position, hash: verified.head.hash };
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(`backup: ${copied.join(', ')} to ${out}; the copy verifies: ${verified.ok ? `OK, ${verified.checked} event(s), head ${verified.head.position}:${verified.head.hash}` : 'FAILED'}\n`);
    process.stdout.write(keys ? `backup: key store to ${keys}\n` : 'backup: the key store was not copied (--keys-out DIR): without one, no personal data can be read after a restore\n');
  }
  return verified.ok ? ExitCode.ok : ExitCode.integrityFailed;
};
