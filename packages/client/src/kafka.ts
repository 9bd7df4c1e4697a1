import type { AnyVersionEventInput } from '@roc-ledger/events';

export interface KafkaRecord {
  readonly topic: string;
  readonly messages: { key: string; value: string; headers: Record<string, string> }[];
}

/**
 * What to hand to a kafkajs producer's send(): the event's channel topic
 * (<prefix>.<channel>), keyed by the customer reference so that one customer's events stay in
 * one partition and in order, with headers that let consumers route without parsing.
 */
export const kafkaRecord = (event: AnyVersionEventInput, topicPrefix = 'roc-ledger.events'): KafkaRecord => ({
  topic: `${topicPrefix}.${event.channel}`,
  messages: [
    {
      key: `${event.customer.kind}:${event.customer.value}`,
      value: JSON.stringify(event),
      headers: { 'content-type': 'application/json', 'x-roc-event-id': event.eventId, 'x-roc-event-type': event.type, 'x-roc-schema-version': String(event.schemaVersion) },
    },
  ],
});
