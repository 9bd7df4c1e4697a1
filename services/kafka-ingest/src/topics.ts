import { CHANNELS, type Channel } from '@roc-ledger/events';

export interface TopicNames {
  /** One topic per channel; a message's channel must be its topic's. */
  readonly byChannel: Readonly<Record<Channel, string>>;
  readonly deadLetter: string;
}

/** roc-ledger.events.<channel> and roc-ledger.events.dead-letter, under a configurable prefix. */
export const defaultTopics = (prefix = 'roc-ledger.events'): TopicNames => ({
  byChannel: Object.fromEntries(CHANNELS.map((c) => [c, `${prefix}.${c}`])) as Record<Channel, string>,
  deadLetter: `${prefix}.dead-letter`,
});

/** Headers a dead-letter record carries besides the original ones. */
export const DEAD_LETTER_HEADERS = {
  code: 'x-roc-error-code',
  message: 'x-roc-error-message',
  paths: 'x-roc-error-paths',
  eventId: 'x-roc-event-id',
  topic: 'x-roc-source-topic',
  partition: 'x-roc-source-partition',
  offset: 'x-roc-source-offset',
  failedAt: 'x-roc-failed-at',
} as const;
