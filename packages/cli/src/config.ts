import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CurrencyCode } from '@roc-ledger/events';
import { DEFAULT_NORMALIZATION, type NormalizationConfig } from '@roc-ledger/identity';
import { makePrivateDir, PRIVATE_FILE_MODE } from '@roc-ledger/store-sqlite';
import { CliError, CliErrorCode } from './errors.ts';

export const DEFAULT_DATA_DIR = '.roc-ledger';
export const DEFAULT_REPORTING_CURRENCY = 'EUR';

export interface LedgerConfig {
  readonly dataDir: string;
  readonly reportingCurrency: string;
  /** How identifiers are normalised; changing it changes how later lookups match. */
  readonly identity: NormalizationConfig;
}

/** The optional "identity" section of ledger.json; each field defaults to DEFAULT_NORMALIZATION's. */
const IdentitySection = z
  .strictObject({
    emailDotInsensitiveDomains: z.array(z.string().min(1)).optional(),
    emailStripPlusTags: z.boolean().optional(),
    defaultPhoneCountry: z.string().regex(/^[A-Z]{2}$/).optional(),
    junkValues: z.array(z.string()).optional(),
  })
  .optional();

/** --data-dir, then ROC_LEDGER_DATA_DIR, then ./.roc-ledger. */
export const resolveDataDir = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string =>
  resolve(flag ?? env.ROC_LEDGER_DATA_DIR ?? DEFAULT_DATA_DIR);

/**
 * A ledger's settings live in <data-dir>/ledger.json, written when the ledger is created.
 * The reporting currency is chosen then (ROC_LEDGER_REPORTING_CURRENCY, default EUR) and fixed;
 * an optional "identity" section sets identifier normalisation (see docs/cli.md).
 */
export const loadConfig = (dataDir: string, env: NodeJS.ProcessEnv = process.env): LedgerConfig => {
  const file = join(dataDir, 'ledger.json');
  if (existsSync(file)) {
    let parsed: { reportingCurrency?: unknown; identity?: unknown };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new CliError(CliErrorCode.invalidConfig, `${file} is not valid JSON`, { cause });
    }
    if (!CurrencyCode.safeParse(parsed.reportingCurrency).success) {
      throw new CliError(CliErrorCode.invalidConfig, `${file}: reportingCurrency must be an ISO 4217 code`);
    }
    const identity = IdentitySection.safeParse(parsed.identity);
    if (!identity.success) {
      throw new CliError(CliErrorCode.invalidConfig, `${file}: identity: ${identity.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    }
    return { dataDir, reportingCurrency: parsed.reportingCurrency as string, identity: { ...DEFAULT_NORMALIZATION, ...identity.data } as NormalizationConfig };
  }
  const reportingCurrency = env.ROC_LEDGER_REPORTING_CURRENCY ?? DEFAULT_REPORTING_CURRENCY;
  if (!CurrencyCode.safeParse(reportingCurrency).success) {
    throw new CliError(CliErrorCode.invalidConfig, `ROC_LEDGER_REPORTING_CURRENCY=${reportingCurrency} is not an ISO 4217 code`);
  }
  makePrivateDir(dataDir);
  writeFileSync(file, `${JSON.stringify({ reportingCurrency }, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  return { dataDir, reportingCurrency, identity: DEFAULT_NORMALIZATION };
};
