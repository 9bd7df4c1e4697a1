import { RocLedgerError } from '@roc-ledger/events';

export const IdentityErrorCode = {
  junkIdentifier: 'IDENTITY_ERR_JUNK_IDENTIFIER',
  invalidPhone: 'IDENTITY_ERR_INVALID_PHONE',
} as const;

/** An identifier that cannot name a person. Carries the field path of the identifier in the event. */
export class IdentifierRefusedError extends RocLedgerError {
  readonly path: string;

  constructor(code: (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode], path: string, message: string) {
    super(code, `${path}: ${message}`);
    this.path = path;
  }
}
