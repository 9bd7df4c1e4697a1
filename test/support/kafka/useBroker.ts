import { startKafkaBroker } from './broker.ts';

/**
 * The brokers for a test file: KAFKA_BROKERS when set (an existing cluster), otherwise a
 * broker started for the file from the cached Kafka jars. stop() stops only what it started.
 */
export const useKafkaBroker = async (): Promise<{ brokers: string[]; stop: () => Promise<void> }> => {
  const existing = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  if (existing?.length) return { brokers: existing, stop: async () => undefined };
  return startKafkaBroker();
};
