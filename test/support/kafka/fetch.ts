// Fetches the test broker's jars into the cache (CI runs this before the tests).
import { ensureKafkaJars, KAFKA_VERSION } from './broker.ts';

console.log(`kafka ${KAFKA_VERSION} jars: ${ensureKafkaJars()}`);
