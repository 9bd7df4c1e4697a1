import { RocLedgerError } from '@roc-ledger/events';
import { ConfigMismatchError, InvalidArgumentError, LedgerErrorCode, StoreCorruptError, StoreUnavailableError } from '@roc-ledger/ledger';

/** The `type` the client's errors carry (its ErrorType enum's values). */
const typeOf = (error: unknown): string | undefined =>
  error && typeof error === 'object' && typeof (error as { type?: unknown }).type === 'string' ? (error as { type: string }).type : undefined;

export const isWrongExpectedVersion = (error: unknown): boolean => typeOf(error) === 'wrong-expected-version';
export const isStreamNotFound = (error: unknown): boolean => typeOf(error) === 'stream-not-found';

const TRANSIENT = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader', 'cancelled', 'unknown']);

/**
 * A driver error as one of the ledger's errors, so callers see the same codes on every backend:
 * the server out of reach is retriable; a deleted log is corruption; a refusal of the
 * connection's credentials is configuration. Errors that are not the driver's pass unchanged.
 */
export const mapDriverError = (error: unknown, doing: string): unknown => {
  if (error instanceof RocLedgerError) return error;
  const type = typeOf(error);
  if (type === undefined) return error;
  const message = `EventStoreDB, ${doing}: ${(error as Error).message}`;
  if (TRANSIENT.has(type)) return new StoreUnavailableError(message, error);
  if (type === 'stream-deleted') return new StoreCorruptError(`${message} (a ledger stream was deleted)`, error);
  if (type === 'access-denied') return new ConfigMismatchError(`${message} (the connection string's user may not do this)`);
  if (type === 'maximum-append-size-exceeded') {
    return new InvalidArgumentError(LedgerErrorCode.invalidArgument, `${message} (split the append into smaller ones)`);
  }
  return new StoreUnavailableError(message, error);
};
