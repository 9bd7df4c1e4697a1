import { RocLedgerError } from '@roc-ledger/events';

export const KafkaIngestErrorCode = {
  notJson: 'KAFKA_ERR_NOT_JSON',
  emptyMessage: 'KAFKA_ERR_EMPTY_MESSAGE',
  unknownTopic: 'KAFKA_ERR_UNKNOWN_TOPIC',
  poison: 'KAFKA_ERR_POISON_MESSAGE',
} as const;

export class KafkaMessageError extends RocLedgerError {}
