import { Kafka, logLevel } from 'kafkajs';
import { defaultTopics, KafkaIngest, type KafkaIngestOptions } from '@roc-ledger/kafka-ingest';
import type { ServeOptions } from './serveCommand.ts';

/** The Kafka consumer of `serve --kafka` and `serve --role ingest`, started and consuming. */
export const startKafkaIngest = async (
  options: Pick<ServeOptions, 'kafkaBrokers' | 'kafkaTopicPrefix' | 'kafkaGroup'>,
  ingestor: KafkaIngestOptions['ingestor'],
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void,
) => {
  const brokers = (options.kafkaBrokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const kafka = new Kafka({ clientId: 'roc-ledger', brokers, logLevel: logLevel.WARN });
  const service = new KafkaIngest({ kafka, ingestor, topics: defaultTopics(options.kafkaTopicPrefix), ...(options.kafkaGroup ? { groupId: options.kafkaGroup } : {}), log });
  await service.start();
  return { service, brokers };
};
