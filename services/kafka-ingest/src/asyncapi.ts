import { z } from 'zod';
import { anyVersionEventSchema, CHANNELS } from '@roc-ledger/events';
import { DEAD_LETTER_HEADERS, defaultTopics } from './topics.ts';

const title = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** The AsyncAPI 3 document of the Kafka entry point, from the same zod schemas as HTTP and docs/events. */
export const asyncApiDocument = (topicPrefix = 'roc-ledger.events') => {
  const topics = defaultTopics(topicPrefix);
  const payload = z.toJSONSchema(anyVersionEventSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  const channels = Object.fromEntries([
    ...CHANNELS.map((channel) => [
      channel,
      {
        address: topics.byChannel[channel],
        title: `${title(channel)} events`,
        description: `Events whose channel is ${channel}; others on this topic are dead-lettered (INGEST_ERR_CHANNEL_NOT_ALLOWED).`,
        messages: { event: { $ref: '#/components/messages/Event' } },
      },
    ]),
    ['deadLetter', { address: topics.deadLetter, title: 'Dead letters', description: 'Messages the ledger refused, as they were sent, with the error in headers.', messages: { deadLetter: { $ref: '#/components/messages/DeadLetter' } } }],
  ]);
  const operations = Object.fromEntries([
    ...CHANNELS.map((channel) => [`publish${title(channel)}`, { action: 'send', channel: { $ref: `#/channels/${channel}` }, summary: `A ${channel} system publishes an event.` }]),
    ['readDeadLetters', { action: 'receive', channel: { $ref: '#/channels/deadLetter' }, summary: 'Operators read what was refused, fix it and publish again.' }],
  ]);
  const header = (description: string) => ({ type: 'string', description });
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'roc-ledger channel topics',
      version: '1',
      description: 'Publish customer-interaction events to Kafka. The ledger consumes them (consumer group roc-ledger-ingest), stores each event id once, and dead-letters what the contract refuses.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      messages: {
        Event: {
          name: 'Event',
          title: 'A customer-interaction event',
          contentType: 'application/json',
          payload,
          bindings: { kafka: { key: { type: 'string', description: 'The customer reference, <kind>:<value> (customerId:C42, email:ana@example.com): one customer\'s events stay in one partition, in order.' }, bindingVersion: '0.5.0' } },
        },
        DeadLetter: {
          name: 'DeadLetter',
          title: 'A refused message',
          description: 'The original key, value and headers, plus these headers.',
          headers: {
            type: 'object',
            properties: {
              [DEAD_LETTER_HEADERS.code]: header('Stable error code (docs/errors.md).'),
              [DEAD_LETTER_HEADERS.message]: header('What is wrong.'),
              [DEAD_LETTER_HEADERS.paths]: header('JSON array of the field paths at fault.'),
              [DEAD_LETTER_HEADERS.eventId]: header('The event id, when the message had one.'),
              [DEAD_LETTER_HEADERS.topic]: header('Topic the message came from.'),
              [DEAD_LETTER_HEADERS.partition]: header('Its partition.'),
              [DEAD_LETTER_HEADERS.offset]: header('Its offset.'),
              [DEAD_LETTER_HEADERS.failedAt]: header('When it was refused (ISO-8601).'),
            },
          },
          payload: { description: 'The original message value, byte for byte (it may not be JSON).' },
        },
      },
    },
  };
};
