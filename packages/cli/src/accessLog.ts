import { join } from 'node:path';
import { userInfo } from 'node:os';
import { openAccessLog } from '@roc-ledger/privacy';
import { CliError, CliErrorCode } from './errors.ts';

/** The access log of a data directory, shared with `serve`. */
export const accessLogFile = (dataDir: string): string => join(dataDir, 'access.db');

const PURPOSE = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * Records a read of personal data by this command (who: `cli:<os user>`; why: --purpose or
 * ROC_LEDGER_ACCESS_PURPOSE, default `cli`) before anything is shown or written: if it cannot be
 * recorded, the command fails and shows nothing.
 */
export const recordCliAccess = async (dataDir: string, purpose: string | undefined, customer: string, action: string): Promise<void> => {
  if (purpose !== undefined && !PURPOSE.test(purpose)) throw new CliError(CliErrorCode.invalidPurpose, `--purpose ${JSON.stringify(purpose)}: 1-64 of a-z 0-9 -, starting with a letter`);
  const log = openAccessLog(accessLogFile(dataDir));
  try {
    await log.record({ actor: `cli:${userInfo().username}`, via: 'cli', customer, purpose: purpose ?? 'cli', action });
  } finally {
    await log.close();
  }
};
