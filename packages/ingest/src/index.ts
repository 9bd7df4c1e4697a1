export { ChannelNotAllowedError, IngestErrorCode, OccurredInFutureError } from './errors.ts';
export { Ingestor, type IngestOptions, type IngestorOptions, type IngestResult } from './ingestor.ts';
export { customerHistory, type CustomerHistory, type HistoryOptions } from './history.ts';
