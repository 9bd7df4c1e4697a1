import { CliError, CliErrorCode } from './errors.ts';

/**
 * A point in time from the command line. A date alone (2025-03-31) means the end of that day
 * in UTC, so "as of 31 March" includes what happened on 31 March.
 */
export const parseInstant = (text: string, flag: string): Date => {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T23:59:59.999Z` : text);
  if (Number.isNaN(ms) || (!dateOnly && !/(Z|[+-]\d{2}:\d{2})$/.test(text))) {
    throw new CliError(CliErrorCode.invalidDate, `${flag} ${JSON.stringify(text)}: expected YYYY-MM-DD or an ISO-8601 time with an offset`);
  }
  return new Date(ms);
};

/** A cut of the log from --as-of (valid time) and --known-at (transaction time), either or both. */
export const parseCut = (options: { asOf?: string; knownAt?: string }): { asOf?: Date; knownAt?: Date } => ({
  ...(options.asOf ? { asOf: parseInstant(options.asOf, '--as-of') } : {}),
  ...(options.knownAt ? { knownAt: parseInstant(options.knownAt, '--known-at') } : {}),
});
