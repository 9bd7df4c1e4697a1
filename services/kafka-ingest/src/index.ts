export { KafkaIngestErrorCode, KafkaMessageError } from './errors.ts';
export { KafkaIngest, type KafkaIngestOptions, type KafkaIngestStats } from './kafkaIngest.ts';
export { DEAD_LETTER_HEADERS, defaultTopics, type TopicNames } from './topics.ts';
export { asyncApiDocument } from './asyncapi.ts';
