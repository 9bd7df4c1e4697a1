export { ChannelNotAllowedError, IngestErrorCode, LEDGER_RECORDED_TYPES, OccurredInFutureError, ReservedTypeError } from './errors.ts';
export { Ingestor, type IngestObserver, type IngestOptions, type IngestorOptions, type IngestResult } from './ingestor.ts';
export { customerHistory, type CustomerHistory, type HistoryOptions } from './history.ts';
export { resolverFor } from './resolverFor.ts';
