import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { defaultTopics } from '@roc-ledger/kafka-ingest';

/** Channel and dead-letter topics of their own for one test (4 partitions each), created explicitly; and a client for them. */
export const channelTopics = async (brokers: string[], label: string) => {
  const prefix = `${label}${randomUUID().slice(0, 8)}`;
  const topics = defaultTopics(prefix);
  const kafka = new Kafka({ clientId: 'roc-ledger-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [...Object.values(topics.byChannel), topics.deadLetter].map((topic) => ({ topic, numPartitions: 4 })), waitForLeaders: true });
  await admin.disconnect();
  return { prefix, topics, kafka };
};
