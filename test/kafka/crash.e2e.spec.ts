import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLog } from '@roc-ledger/ledger';
import { collect, interaction } from '@roc-ledger/ledger/testing';
import { bin, cli } from '../support/serviceProcess.ts';
import { openStore, tempDataDir } from '../support/tempLedger.ts';
import { useKafkaBroker } from '../support/kafka/useBroker.ts';
import { channelTopics } from '../support/kafka/channelTopics.ts';


describe('Kafka ingest survives kill -9 mid-topic', () => {
  let broker: Awaited<ReturnType<typeof useKafkaBroker>>;
  const temp = tempDataDir();
  beforeAll(async () => {
    broker = await useKafkaBroker();
  }, 120_000);
  afterAll(async () => {
    await broker?.stop();
    temp.cleanup();
  });

  const startServer = async (prefix: string): Promise<ChildProcess & { url: string }> => {
    const server = spawn(process.execPath, [bin, '--data-dir', temp.dir, 'serve', '--port', '0', '--kafka', '--kafka-brokers', broker.brokers.join(','), '--kafka-topic-prefix', prefix], { stdio: ['ignore', 'ignore', 'pipe'] });
    let url = '';
    for await (const line of createInterface({ input: server.stderr! })) {
      url ||= /listening on (http:\/\/\S+)/.exec(line)?.[1] ?? '';
      if (line.includes('consuming')) break;
    }
    return Object.assign(server, { url });
  };
  const storedIds = async () => {
    const store = openStore(temp.dbPath);
    try {
      return (await collect(store.readAll({ types: ['InteractionRecorded'] }))).map((e) => e.eventId);
    } finally {
      await store.close();
    }
  };
  const head = async () => {
    const store = openStore(temp.dbPath);
    try {
      return (await store.head()).position;
    } finally {
      await store.close();
    }
  };
  const until = async (condition: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 90_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('finds every event of the topic stored exactly once after a restart', async () => {
    const { prefix, topics, kafka } = await channelTopics(broker.brokers, 'crash');

    const events = Array.from({ length: 30_000 }, (_, i) => interaction(`K${i % 60}`, { channel: 'web' }));
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < events.length; i += 2000) {
      await producer.send({ topic: topics.byChannel.web, messages: events.slice(i, i + 2000).map((e) => ({ key: e.customer.value, value: JSON.stringify(e) })) });
    }
    await producer.disconnect();

    const readKey = cli(temp.dir, ['keys', 'create', '--id', 'reader', '--scope', 'read']).stdout.trim();
    const first = await startServer(prefix);
    const firstExit = once(first, 'exit');
    await until(async () => (await head()) >= 2000, 'the first two thousand events');
    first.kill('SIGKILL');
    await firstExit;
    const atCrash = (await storedIds()).length;
    expect(atCrash).toBeLessThan(events.length);

    const second = await startServer(prefix);
    const secondExit = once(second, 'exit');
    // 60 customers, each registered once with its first event.
    await until(async () => (await head()) >= events.length + 60, 'the rest of the topic');
    // A message that is not JSON is dead-lettered; the health route counts it on the topic itself.
    const poisoner = kafka.producer();
    await poisoner.connect();
    await poisoner.send({ topic: topics.byChannel.web, messages: [{ key: 'x', value: 'not json {' }] });
    await poisoner.disconnect();
    type Health = { kafka: { deadLettered: number; deadLetterTopic: number } };
    // A 503 (the service sheds load while its event loop lags, on a busy CI machine) is asked again.
    const health = async (): Promise<Health | undefined> => {
      const response = await fetch(`${second.url}/v1/ledger/health`, { headers: { authorization: `Bearer ${readKey}` } });
      if (response.status === 503) return undefined;
      expect(response.status).toBe(200);
      return (await response.json()) as Health;
    };
    // The broker may show the message on the topic a moment before the producer's acknowledgement
    // (and the service's count) arrives: both must come to one.
    let seen: Health | undefined;
    await until(async () => {
      seen = await health();
      return seen?.kafka.deadLetterTopic === 1 && seen.kafka.deadLettered === 1;
    }, 'the dead letter on the topic and in the count');
    expect(seen!.kafka).toMatchObject({ deadLetterTopic: 1, deadLettered: 1 });
    second.kill('SIGTERM');
    expect((await secondExit)[0]).toBe(0);

    const ids = await storedIds();
    expect(ids).toHaveLength(events.length);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.eventId)));
    const store = openStore(temp.dbPath);
    try {
      expect(await verifyLog(store.readStoredRecords())).toMatchObject({ ok: true });
    } finally {
      await store.close();
    }
  }, 240_000);
});
