// Kafka to ledger, sustained, over a pre-filled topic; beside the ceiling, kafkajs consuming the
// same topic without appending. A real broker: KAFKA_BROKERS, or one started from the cached jars.
// Usage: node bench/kafka-ingest.bench.ts [--events 1000000]
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createContract, uuidv7 } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { defaultTopics, KafkaIngest } from '@roc-ledger/kafka-ingest';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { useKafkaBroker } from '../test/support/kafka/useBroker.ts';
import { argValue, emit } from './lib/result.ts';
import { demoEvents, tempDir } from './lib/workload.ts';

const total = argValue('events', 1_000_000);
const broker = await useKafkaBroker();
const kafka = new Kafka({ clientId: 'roc-ledger-bench', brokers: broker.brokers, logLevel: logLevel.NOTHING });
const topics = defaultTopics(`bench${randomUUID().slice(0, 8)}`);
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [...Object.values(topics.byChannel), topics.deadLetter].map((topic) => ({ topic, numPartitions: 4 })), waitForLeaders: true });

// Pre-fill: web events of the demo's customers, keyed by customer, fresh ids.
const templates = demoEvents(50_000).map((e) => ({ key: `${e.customer.kind}:${e.customer.value}`, parts: JSON.stringify({ ...e, channel: 'web', eventId: '@ID@' }).split('@ID@') }));
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
const fillStarted = performance.now();
for (let sent = 0; sent < total; sent += 5000) {
  const messages = Array.from({ length: Math.min(5000, total - sent) }, (_, i) => {
    const t = templates[(sent + i) % templates.length]!;
    return { key: t.key, value: `${t.parts[0]}${uuidv7()}${t.parts[1]}` };
  });
  await producer.send({ topic: topics.byChannel.web, messages, acks: -1 });
}
await producer.disconnect();
process.stderr.write(`kafka bench: ${total} events produced in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s\n`);

// Ceiling: consume everything, committing per batch, without appending.
{
  const consumer = kafka.consumer({ groupId: `ceiling-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.byChannel.web], fromBeginning: true });
  let seen = 0;
  let started = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch, resolveOffset }) => {
        if (!started) started = performance.now();
        for (const message of batch.messages) JSON.parse(message.value!.toString('utf8'));
        seen += batch.messages.length;
        const last = batch.messages.at(-1)!.offset;
        resolveOffset(last);
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
        if (seen >= total) resolve();
      },
    });
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  emit({ case: 'kafka-to-ledger', impl: 'kafkajs-consume-ceiling', events: seen, seconds, events_per_s: seen / seconds, runs: 1, note: 'decode and commit, no append' });
}

// roc-ledger: the same topic through KafkaIngest into the durable SQLite store.
{
  const temp = tempDir('kafka');
  const contract = createContract({ reportingCurrency: 'EUR' });
  const store = getSqliteEventStore({ path: temp.file('events.db'), contract });
  const service = new KafkaIngest({ kafka, ingestor: await Ingestor.open({ store, contract }), topics, groupId: `ledger-${randomUUID()}` });
  const started = performance.now();
  await service.start();
  while (service.stats.stored + service.stats.duplicates + service.stats.deadLettered < total) await new Promise((r) => setTimeout(r, 100));
  const seconds = (performance.now() - started) / 1000;
  await service.stop();
  await store.close();
  temp.remove();
  emit({ case: 'kafka-to-ledger', impl: 'roc-ledger', events: total, seconds, events_per_s: total / seconds, runs: 1, note: `durable; ${service.stats.deadLettered} dead-lettered; includes joining the group` });
}

// Breakdown: the store alone. The same events (the first 200,000) appended one per call, 256 at a
// time as KafkaIngest's slices reach it, each customer already resolved to its stream: what the
// durable SQLite writes cost without Kafka, identity resolution or the ingestor.
{
  const n = Math.min(total, 200_000);
  const temp = tempDir('kafka-store');
  const contract = createContract({ reportingCurrency: 'EUR' });
  const store = getSqliteEventStore({ path: temp.file('events.db'), contract });
  const streams = new Map<string, string>();
  const appends = Array.from({ length: n }, (_, i) => {
    const t = templates[i % templates.length]!;
    if (!streams.has(t.key)) streams.set(t.key, `customer-${uuidv7()}`);
    return { streamId: streams.get(t.key)!, event: contract.parse(JSON.parse(`${t.parts[0]}${uuidv7()}${t.parts[1]}`)) };
  });
  const started = performance.now();
  for (let i = 0; i < n; i += 256) await Promise.all(appends.slice(i, i + 256).map((a) => store.append(a.streamId, [a.event])));
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  temp.remove();
  emit({ case: 'kafka-to-ledger', impl: 'store-append-only', events: n, seconds, events_per_s: n / seconds, runs: 1, note: `breakdown: the store alone, one event per append, 256 at a time, ${streams.size} streams, events validated beforehand; ${((1e6 * seconds) / n).toFixed(1)} µs per event` });
}
await admin.disconnect();
await broker.stop();
