import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContract } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { DEAD_LETTER_HEADERS, defaultTopics, KafkaIngest } from '@roc-ledger/kafka-ingest';
import { getInMemoryEventStore, StoreUnavailableError } from '@roc-ledger/ledger';
import { collect, interaction, purchase } from '@roc-ledger/ledger/testing';
import { useKafkaBroker } from '../support/kafka/useBroker.ts';

const contract = createContract({ reportingCurrency: 'EUR' });

const until = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('Kafka ingest against a real broker', () => {
  let broker: Awaited<ReturnType<typeof useKafkaBroker>>;
  let kafka: Kafka;
  beforeAll(async () => {
    broker = await useKafkaBroker();
    kafka = new Kafka({ clientId: 'roc-ledger-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  }, 120_000);
  afterAll(async () => broker?.stop());

  it('stores valid events once, dead-letters what it refuses with the original bytes and the error, and commits', async () => {
    const topics = defaultTopics(`t${randomUUID().slice(0, 8)}`);
    const store = getInMemoryEventStore({ contract });
    const real = await Ingestor.open({ store, contract });
    const poison = interaction('P1', { channel: 'web' });
    // A message that fails with an unexpected error every time it is tried.
    const ingestor = { ingest: (raw: unknown, options?: { allowedChannels?: readonly string[] }) => ((raw as { eventId?: string }).eventId === poison.eventId ? Promise.reject(new TypeError('boom')) : real.ingest(raw, options)) };
    const service = new KafkaIngest({ kafka, ingestor, topics, groupId: `g-${randomUUID()}`, partitions: 2 });
    await service.start();

    const producer = kafka.producer();
    await producer.connect();
    const web = [interaction('C1', { channel: 'web' }), interaction('C2', { channel: 'web' }), { ...interaction('C1', { channel: 'web' }), customer: { kind: 'email', value: 'ana@example.com' } }];
    const store1 = purchase('C1', 1999);
    const invalid = { ...interaction('C3', { channel: 'web' }), occurredAt: 'today' };
    await producer.send({
      topic: topics.byChannel.web,
      messages: [
        ...web.map((e) => ({ key: e.customer.value, value: JSON.stringify(e), headers: { 'x-trace': 'abc' } })),
        { key: 'C1', value: JSON.stringify(web[0]) }, // redelivered by the producer: stored once
        { key: 'junk', value: 'not json {', headers: { 'x-trace': 'def' } },
        { key: 'C3', value: JSON.stringify(invalid) },
        { key: 'C1', value: JSON.stringify(store1) }, // a store event on the web topic
        { key: 'P1', value: JSON.stringify(poison) },
        { key: 'C2', value: JSON.stringify(interaction('C2', { channel: 'web' })) },
      ],
    });
    await producer.send({ topic: topics.byChannel.store, messages: [{ key: 'C1', value: JSON.stringify(store1) }] });

    await until(() => service.stats.stored >= 5 && service.stats.deadLettered >= 4, 'the messages to be handled');
    const stored = await collect(store.readAll());
    expect(stored.filter((e) => e.type !== 'CustomerRegistered' && e.type !== 'IdentifierLinked')).toHaveLength(5);
    expect(new Set(stored.map((e) => e.eventId)).size).toBe(stored.length);
    expect(service.stats.duplicates).toBe(1);
    // The topic itself holds them: what the health page reports across restarts.
    expect(await service.deadLetterTopicMessages()).toBe(service.stats.deadLettered);

    const deadLetters: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: `dlq-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topic: topics.deadLetter, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });
    await until(() => deadLetters.length >= 4, 'the dead letters');
    await reader.disconnect();
    const byCode = new Map(deadLetters.map((m) => [m.headers![DEAD_LETTER_HEADERS.code]!.toString(), m]));
    expect([...byCode.keys()].sort()).toEqual(['EVENTS_ERR_INVALID_EVENT', 'INGEST_ERR_CHANNEL_NOT_ALLOWED', 'KAFKA_ERR_NOT_JSON', 'KAFKA_ERR_POISON_MESSAGE']);
    const notJson = byCode.get('KAFKA_ERR_NOT_JSON')!;
    expect(notJson.value!.toString()).toBe('not json {');
    expect(notJson.key!.toString()).toBe('junk');
    expect(notJson.headers!['x-trace']!.toString()).toBe('def');
    expect(notJson.headers![DEAD_LETTER_HEADERS.topic]!.toString()).toBe(topics.byChannel.web);
    expect(JSON.parse(byCode.get('EVENTS_ERR_INVALID_EVENT')!.headers![DEAD_LETTER_HEADERS.paths]!.toString())).toEqual(['occurredAt']);
    expect(byCode.get('EVENTS_ERR_INVALID_EVENT')!.headers![DEAD_LETTER_HEADERS.eventId]!.toString()).toBe(invalid.eventId);

    // Offsets committed up to the end of each partition: a restart would redeliver nothing.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topics.byChannel.web);
    const committed = await admin.fetchOffsets({ groupId: (service as unknown as { options: { groupId: string } }).options.groupId, topics: [topics.byChannel.web] });
    await admin.disconnect();
    for (const { partition, offset } of committed[0]!.partitions) expect(offset).toBe(ends.find((e) => e.partition === partition)!.offset);

    await producer.disconnect();
    await service.stop();
  }, 120_000);

  it('retries through a store outage without dead-lettering or committing early', async () => {
    const topics = defaultTopics(`o${randomUUID().slice(0, 8)}`);
    const store = getInMemoryEventStore({ contract });
    const real = await Ingestor.open({ store, contract });
    let outage = 2;
    const ingestor = {
      ingest: (raw: unknown, options?: { allowedChannels?: readonly string[] }) => {
        if (outage > 0) {
          outage--;
          return Promise.reject(new StoreUnavailableError('disk unavailable'));
        }
        return real.ingest(raw, options);
      },
    };
    const service = new KafkaIngest({ kafka, ingestor, topics, groupId: `g-${randomUUID()}`, partitions: 1 });
    await service.start();
    const producer = kafka.producer();
    await producer.connect();
    const event = interaction('C1', { channel: 'web' });
    await producer.send({ topic: topics.byChannel.web, messages: [{ key: 'C1', value: JSON.stringify(event) }] });
    await producer.disconnect();
    await until(() => service.stats.stored === 1, 'the event to be stored after the outage');
    expect(service.stats.deadLettered).toBe(0);
    expect((await collect(store.readAll({ types: ['InteractionRecorded'] }))).map((e) => e.eventId)).toEqual([event.eventId]);
    await service.stop();
  }, 120_000);
});
