import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '@roc-ledger/ledger/testing';
import { openLedger } from '../../packages/cli/src/openLedger.ts';
import { startService, type RunningService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { useKafkaBroker } from '../support/kafka/useBroker.ts';
import { channelTopics } from '../support/kafka/channelTopics.ts';
import { byEmail, webEvent } from '../support/webEvents.ts';

describe('serve --role ingest: Kafka consumers as services of their own', () => {
  let broker: Awaited<ReturnType<typeof useKafkaBroker>>;
  const temp = tempDataDir();
  const running: RunningService[] = [];
  beforeAll(async () => {
    broker = await useKafkaBroker();
  }, 120_000);
  afterAll(async () => {
    for (const service of running) if (service.process.exitCode === null) service.process.kill('SIGKILL');
    await broker?.stop();
    temp.cleanup();
  });

  it('two instances share the topics in one consumer group, store every event once with one customer per person, and serve health and metrics', async () => {
    const { prefix, topics, kafka } = await channelTopics(broker.brokers, 'roles');

    const args = ['--role', 'ingest', '--kafka-brokers', broker.brokers.join(','), '--kafka-topic-prefix', prefix];
    for (let i = 0; i < 2; i++) running.push(await startService(temp.dir, {}, args));
    // 40 people, each publishing 25 events; a person's events share a key, so one partition.
    const events = Array.from({ length: 1000 }, (_, i) => webEvent(byEmail(`person${i % 40}@example.com`), 'InteractionRecorded', { kind: 'visit', initiatedBy: 'customer' }));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topics.byChannel.web, messages: events.map((e) => ({ key: e.customer.value, value: JSON.stringify(e) })) });
    await producer.disconnect();

    const ledger = openLedger(temp.dir);
    try {
      const deadline = Date.now() + 90_000;
      while ((await ledger.store.head()).position < events.length + 80) {
        if (Date.now() > deadline) throw new Error(`timed out at ${(await ledger.store.head()).position}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const stored = await collect(ledger.store.readAll({ types: ['InteractionRecorded'] }));
      expect(stored.map((e) => e.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
      expect(await collect(ledger.store.readAll({ types: ['CustomerRegistered'] }))).toHaveLength(40);
    } finally {
      await ledger.store.close();
    }
    const scrapes = await Promise.all(running.map(async (s) => (await fetch(`${s.url}/metrics`)).text()));
    const ingested = scrapes.map((text) => Number(/roc_ledger_ingested_events_total\{channel="web",outcome="stored"\} (\d+)/.exec(text)?.[1] ?? 0));
    expect(ingested[0]! + ingested[1]!).toBe(events.length);
    expect((await fetch(`${running[0]!.url}/health/ready`)).status).toBe(200);
    for (const service of running) expect(await service.stop()).toBe(0);
  }, 240_000);
});
