export { createEvent, type EventFields } from './events.ts';
export { HttpPublisher, PublishRejectedError, PublishUnavailableError, type Accepted, type BatchResult, type HttpPublisherOptions } from './httpPublisher.ts';
export { LogReader, type LogCut, type LogPage, type LoggedEvent } from './logReader.ts';
export { ClientErrorCode, LedgerRejectedError, LedgerUnavailableError, type LedgerHttpOptions, type Problem } from './transport.ts';
export { kafkaRecord, type KafkaRecord } from './kafka.ts';
