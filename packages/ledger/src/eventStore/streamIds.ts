import { InvalidArgumentError, LedgerErrorCode } from '../errors/index.ts';

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._:$-]{0,199}$/;

export const CUSTOMER_STREAM_PREFIX = 'customer-';

/** One stream per customer. */
export const customerStreamId = (customerId: string): string => `${CUSTOMER_STREAM_PREFIX}${customerId}`;

export const assertStreamId = (streamId: string): void => {
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) {
    throw new InvalidArgumentError(
      LedgerErrorCode.invalidStreamId,
      `invalid stream id ${JSON.stringify(streamId)}: 1-200 of A-Z a-z 0-9 . _ : $ -, starting alphanumeric`,
    );
  }
};
