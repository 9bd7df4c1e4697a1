import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventsErrorCode } from '@roc-ledger/events';
import { IdentityErrorCode } from '@roc-ledger/identity';
import { IngestErrorCode } from '@roc-ledger/ingest';
import { ApiErrorCode } from '@roc-ledger/api';
import { ClientErrorCode } from '@roc-ledger/client';
import { KafkaIngestErrorCode } from '@roc-ledger/kafka-ingest';
import { LedgerErrorCode } from '@roc-ledger/ledger';
import { ProjectionsErrorCode } from '@roc-ledger/projections';
import { PrivacyErrorCode } from '@roc-ledger/privacy';
import { EquityErrorCode } from '@roc-ledger/customer-equity';
import { CliErrorCode } from '../../packages/cli/src/errors.ts';

const documented = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
const documentedCodes = new Set([...documented.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));

describe('docs/errors.md', () => {
  const codes = [
    ...Object.values(EventsErrorCode),
    ...Object.values(LedgerErrorCode),
    ...Object.values(IdentityErrorCode),
    ...Object.values(IngestErrorCode),
    ...Object.values(ApiErrorCode),
    ...Object.values(KafkaIngestErrorCode),
    ...Object.values(ClientErrorCode),
    ...Object.values(ProjectionsErrorCode),
    ...Object.values(PrivacyErrorCode),
    ...Object.values(EquityErrorCode),
    ...Object.values(CliErrorCode),
  ];

  it('documents every error code the code can raise', () => {
    expect(codes.filter((code) => !documentedCodes.has(code))).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    expect([...documentedCodes].filter((code) => !codes.includes(code as never))).toEqual([]);
  });

  it('never gives two errors the same code', () => {
    expect(new Set(codes).size).toBe(codes.length);
  });
});
