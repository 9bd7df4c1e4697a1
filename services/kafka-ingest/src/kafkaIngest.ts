import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Channel } from '@roc-ledger/events';
import type { Ingestor, IngestResult } from '@roc-ledger/ingest';
import { backoffDelay } from '@roc-ledger/ledger';
import { KafkaIngestErrorCode, KafkaMessageError } from './errors.ts';
import { DEAD_LETTER_HEADERS, defaultTopics, type TopicNames } from './topics.ts';

export interface KafkaIngestOptions {
  readonly kafka: Kafka;
  readonly ingestor: Pick<Ingestor, 'ingest'>;
  readonly topics?: TopicNames;
  readonly groupId?: string;
  /** Partitions for topics this service creates (existing topics are left as they are). */
  readonly partitions?: number;
  /** Attempts at a message that fails with an unexpected error before it is dead-lettered as poison. */
  readonly poisonAttempts?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface KafkaIngestStats {
  stored: number;
  duplicates: number;
  deadLettered: number;
  batches: number;
}

/**
 * Messages of a batch started together. A whole batch (thousands) at once held the event loop for
 * most of a second, delaying the service's HTTP answers; a slice is stored before the next starts.
 */
const INGEST_SLICE = 256;

type Failure = { ok: false; error: unknown; message: KafkaMessage };
type Outcome = { ok: true; result: IngestResult } | Failure;

const describe = (error: unknown) => {
  const e = error as { code?: string; message?: string; issues?: { path: string }[]; path?: string; eventId?: string };
  return { code: e.code ?? KafkaIngestErrorCode.poison, message: e.message ?? String(error), paths: e.issues?.map((i) => i.path) ?? (e.path ? [e.path] : []), eventId: e.eventId };
};

/** Known, non-retriable refusals (the contract, identity, channel, conflicts): dead-letter at once. */
const isRefusal = (error: unknown) => typeof (error as { code?: unknown }).code === 'string' && (error as { retriable?: boolean }).retriable !== true;
const isRetriable = (error: unknown) => (error as { retriable?: boolean }).retriable === true;

/**
 * A consumer group on the channel topics. Each partition's batch is ingested in order (events of
 * one customer keep their order, as producers key messages by customer); what the contract refuses
 * goes to the dead-letter topic with its original bytes and headers and the error. The offset is
 * committed only once every message of the batch is stored or dead-lettered, so a crash or a
 * rebalance redelivers, and idempotency by event id makes redelivery harmless.
 */
export class KafkaIngest {
  readonly stats: KafkaIngestStats = { stored: 0, duplicates: 0, deadLettered: 0, batches: 0 };
  private readonly options: KafkaIngestOptions;
  private readonly topics: TopicNames;
  private readonly channelOf: Map<string, Channel>;
  private readonly consumer: Consumer;
  private readonly producer: Producer;

  constructor(options: KafkaIngestOptions) {
    this.options = options;
    this.topics = options.topics ?? defaultTopics();
    this.channelOf = new Map(Object.entries(this.topics.byChannel).map(([channel, topic]) => [topic, channel as Channel]));
    this.consumer = options.kafka.consumer({ groupId: options.groupId ?? 'roc-ledger-ingest', allowAutoTopicCreation: false });
    this.producer = options.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  }

  /** Creates the channel and dead-letter topics if missing, joins the group and starts consuming. */
  async start(): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = [...Object.values(this.topics.byChannel), this.topics.deadLetter].filter((t) => !existing.has(t));
      if (wanted.length) await admin.createTopics({ topics: wanted.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 4 })), waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: Object.values(this.topics.byChannel), fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 4, eachBatch: (payload) => this.eachBatch(payload) });
  }

  /**
   * Messages on the dead-letter topic now, by every consumer of the group since the topic was
   * created (less what its retention has removed): what stays to be looked at, across restarts.
   */
  async deadLetterTopicMessages(): Promise<number> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.topics.deadLetter);
      return offsets.reduce((sum, p) => sum + (Number(p.high) - Number(p.low)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Finishes the batch in flight, commits, leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const channel = this.channelOf.get(batch.topic);
    // Started in offset order: the ingestor decides events naming the same customer in that order.
    const outcomes: Outcome[] = [];
    for (let i = 0; i < batch.messages.length; i += INGEST_SLICE) {
      outcomes.push(...(await Promise.all(batch.messages.slice(i, i + INGEST_SLICE).map((message) => this.ingest(message, channel)))));
    }

    // Retry what failed for a reason other than a refusal: a store outage for as long as this
    // consumer runs, an unexpected error a few times before it counts as poison.
    for (let attempt = 1; ; attempt++) {
      const failing = outcomes.flatMap((o, i) => (!o.ok && !isRefusal(o.error) ? [i] : []));
      if (failing.length === 0) break;
      const poisonOnly = failing.every((i) => !isRetriable((outcomes[i] as Failure).error));
      if (poisonOnly && attempt >= (this.options.poisonAttempts ?? 3)) break;
      if (!isRunning() || isStale()) throw (outcomes[failing[0]!] as Failure).error; // nothing committed: redelivered later
      this.options.log?.('warn', 'retrying', { topic: batch.topic, partition: batch.partition, failing: failing.length, attempt, ...describe((outcomes[failing[0]!] as Failure).error), message: undefined });
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, 200, 5000)));
      await heartbeat();
      for (const i of failing) outcomes[i] = await this.ingest(batch.messages[i]!, channel);
    }

    const dead: Failure[] = [];
    for (const outcome of outcomes) {
      if (!outcome.ok) dead.push(outcome);
      else if (outcome.result.duplicate) this.stats.duplicates++;
      else this.stats.stored++;
    }
    if (dead.length > 0) {
      await this.producer.send({ topic: this.topics.deadLetter, acks: -1, messages: dead.map((d) => this.deadLetter(batch.topic, batch.partition, d)) });
      this.stats.deadLettered += dead.length;
      for (const d of dead) this.options.log?.('warn', 'dead-lettered', { topic: batch.topic, partition: batch.partition, offset: d.message.offset, ...describe(d.error), message: undefined });
    }
    const last = batch.messages[batch.messages.length - 1]!.offset;
    resolveOffset(last);
    await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
    this.stats.batches++;
    await heartbeat();
  }

  private ingest(message: KafkaMessage, channel: Channel | undefined): Promise<Outcome> {
    const refuse = (code: string, text: string): Promise<Outcome> => Promise.resolve({ ok: false, error: new KafkaMessageError(code, text), message });
    if (!channel) return refuse(KafkaIngestErrorCode.unknownTopic, 'the message came from a topic that is not a channel topic');
    if (!message.value || message.value.length === 0) return refuse(KafkaIngestErrorCode.emptyMessage, 'the message has no value');
    let raw: unknown;
    try {
      raw = JSON.parse(message.value.toString('utf8'));
    } catch (error) {
      return refuse(KafkaIngestErrorCode.notJson, `the message value is not JSON: ${(error as Error).message}`);
    }
    return this.options.ingestor.ingest(raw, { allowedChannels: [channel] }).then(
      (result) => ({ ok: true, result }),
      (error: unknown) => ({ ok: false, error, message }),
    );
  }

  /** The original bytes, key and headers, plus what went wrong and where the message came from. */
  private deadLetter(topic: string, partition: number, { error, message }: Failure) {
    const { code, message: text, paths, eventId } = describe(error);
    const headers: IHeaders = {
      ...message.headers,
      [DEAD_LETTER_HEADERS.code]: isRefusal(error) ? code : KafkaIngestErrorCode.poison,
      [DEAD_LETTER_HEADERS.message]: text,
      [DEAD_LETTER_HEADERS.paths]: JSON.stringify(paths),
      [DEAD_LETTER_HEADERS.topic]: topic,
      [DEAD_LETTER_HEADERS.partition]: String(partition),
      [DEAD_LETTER_HEADERS.offset]: message.offset,
      [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
      ...(eventId ? { [DEAD_LETTER_HEADERS.eventId]: eventId } : {}),
    };
    return { key: message.key, value: message.value, headers };
  }
}
