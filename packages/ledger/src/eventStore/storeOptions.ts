import type { AnyVersionEventInput, Contract } from '@roc-ledger/events';
import { InvalidArgumentError, LedgerErrorCode } from '../errors/index.ts';
import type { PersonalDataGuard } from './personalData.ts';

export interface StoreOptions {
  /** The event contract every append is validated against before anything is stored. */
  readonly contract: Contract;
  /** Transaction-time source. Defaults to the system clock; tests inject their own. */
  readonly clock?: () => Date;
  /** Seals personal data before it is stored and opens it on reads. Without one it is stored as given. */
  readonly personalData?: PersonalDataGuard;
}

export const systemClock = (): Date => new Date();

/** Validates a whole append before it touches storage: one bad event rejects the append. */
export const validateAppend = (contract: Contract, events: readonly unknown[]): AnyVersionEventInput[] => {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidArgumentError(LedgerErrorCode.invalidArgument, 'append needs at least one event');
  }
  // Events this contract has already parsed (the ingestion path) are not parsed twice.
  return events.map((event) => (contract.validated(event) ? (event as AnyVersionEventInput) : contract.parse(event)));
};
