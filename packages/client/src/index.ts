export { createEvent, type EventFields } from './events.ts';
export { ClientErrorCode, HttpPublisher, PublishRejectedError, PublishUnavailableError, type Accepted, type BatchResult, type HttpPublisherOptions, type Problem } from './httpPublisher.ts';
export { kafkaRecord, type KafkaRecord } from './kafka.ts';
