import { existsSync, readFileSync } from 'node:fs';
import { digestOf, parseDigest, verifyLog, type LogDigest, type VerifyResult } from '@roc-ledger/ledger';
import { ExitCode } from '../exitCodes.ts';
import { openLedger } from '../openLedger.ts';

export const formatVerify = (result: VerifyResult): string =>
  result.ok
    ? `verify: OK, ${result.checked} event(s) chain to head ${result.head.position}:${result.head.hash}`
    : `verify: FAILED at position ${result.failure!.position} (${result.failure!.kind}): ${result.failure!.reason}`;

/** A digest given inline, or the path of a file holding one. */
const readDigest = (arg: string): LogDigest => parseDigest(existsSync(arg) ? readFileSync(arg, 'utf8') : arg);

export const verifyCommand = async (options: { dataDir?: string; against?: string; json?: boolean }): Promise<number> => {
  const against = options.against ? readDigest(options.against) : undefined;
  const { store } = openLedger(options.dataDir);
  try {
    const result = await verifyLog(store.readStoredRecords({ pageSize: 2048 }), against);
    process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatVerify(result)}\n`);
    return result.ok ? ExitCode.ok : ExitCode.integrityFailed;
  } finally {
    await store.close();
  }
};

export const digestCommand = async (options: { dataDir?: string; short?: boolean }): Promise<number> => {
  const { store } = openLedger(options.dataDir);
  try {
    const digest = digestOf(await store.head());
    process.stdout.write(options.short ? `${digest.position}:${digest.hash}\n` : `${JSON.stringify(digest)}\n`);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
};
