import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CurrencyCode } from '@roc-ledger/events';
import { CliError, CliErrorCode } from './errors.ts';

export const DEFAULT_DATA_DIR = '.roc-ledger';
export const DEFAULT_REPORTING_CURRENCY = 'EUR';

export interface LedgerConfig {
  readonly dataDir: string;
  readonly reportingCurrency: string;
}

/** --data-dir, then ROC_LEDGER_DATA_DIR, then ./.roc-ledger. */
export const resolveDataDir = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string =>
  resolve(flag ?? env.ROC_LEDGER_DATA_DIR ?? DEFAULT_DATA_DIR);

/**
 * A ledger's settings live in <data-dir>/ledger.json, written when the ledger is created.
 * The reporting currency is chosen then (ROC_LEDGER_REPORTING_CURRENCY, default EUR) and fixed.
 */
export const loadConfig = (dataDir: string, env: NodeJS.ProcessEnv = process.env): LedgerConfig => {
  const file = join(dataDir, 'ledger.json');
  if (existsSync(file)) {
    let parsed: { reportingCurrency?: unknown };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new CliError(CliErrorCode.invalidConfig, `${file} is not valid JSON`, { cause });
    }
    if (!CurrencyCode.safeParse(parsed.reportingCurrency).success) {
      throw new CliError(CliErrorCode.invalidConfig, `${file}: reportingCurrency must be an ISO 4217 code`);
    }
    return { dataDir, reportingCurrency: parsed.reportingCurrency as string };
  }
  const reportingCurrency = env.ROC_LEDGER_REPORTING_CURRENCY ?? DEFAULT_REPORTING_CURRENCY;
  if (!CurrencyCode.safeParse(reportingCurrency).success) {
    throw new CliError(CliErrorCode.invalidConfig, `ROC_LEDGER_REPORTING_CURRENCY=${reportingCurrency} is not an ISO 4217 code`);
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ reportingCurrency }, null, 2)}\n`);
  return { dataDir, reportingCurrency };
};
