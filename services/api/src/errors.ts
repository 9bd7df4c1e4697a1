import { RocLedgerError } from '@roc-ledger/events';

export const ApiErrorCode = {
  malformedJson: 'HTTP_ERR_MALFORMED_JSON',
  bodyTooLarge: 'HTTP_ERR_BODY_TOO_LARGE',
  unsupportedMediaType: 'HTTP_ERR_UNSUPPORTED_MEDIA_TYPE',
  invalidRequest: 'HTTP_ERR_INVALID_REQUEST',
  notFound: 'HTTP_ERR_NOT_FOUND',
  unauthenticated: 'HTTP_ERR_UNAUTHENTICATED',
  forbidden: 'HTTP_ERR_FORBIDDEN',
  rateLimited: 'HTTP_ERR_RATE_LIMITED',
  overloaded: 'HTTP_ERR_OVERLOADED',
  shuttingDown: 'HTTP_ERR_SHUTTING_DOWN',
  internal: 'HTTP_ERR_INTERNAL',
  invalidApiKeys: 'HTTP_ERR_INVALID_API_KEYS',
} as const;

export class HttpError extends RocLedgerError {
  readonly statusCode: number;

  constructor(statusCode: number, code: string, message: string, options: { retriable?: boolean } = {}) {
    super(code, message, options);
    this.statusCode = statusCode;
  }
}
