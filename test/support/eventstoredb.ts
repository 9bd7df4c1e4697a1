import { GenericContainer, getContainerRuntimeClient, Wait } from 'testcontainers';

/** KurrentDB, the current name of EventStoreDB; ROC_LEDGER_KURRENTDB_IMAGE picks another image. */
const IMAGE = process.env.ROC_LEDGER_KURRENTDB_IMAGE ?? 'kurrentplatform/kurrentdb:26.1.1';

export type EventStoreDbForTests = { readonly url: string; stop(): Promise<void> } | { readonly notRun: string };

/**
 * A server for the EventStoreDB tests: EVENTSTOREDB_URL when set, else a KurrentDB container
 * started through testcontainers. Only a missing Docker engine leaves the tests not run, and
 * says so; a container that fails to start fails the tests.
 */
export const eventStoreDbForTests = async (): Promise<EventStoreDbForTests> => {
  const url = process.env.EVENTSTOREDB_URL;
  if (url) return { url, stop: async () => undefined };
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    return { notRun: `no Docker engine for testcontainers (${(error as Error).message.split('\n')[0]}) and EVENTSTOREDB_URL is not set` };
  }
  const container = await new GenericContainer(IMAGE)
    .withExposedPorts(2113)
    .withEnvironment({ KURRENTDB_CLUSTER_SIZE: '1', KURRENTDB_RUN_PROJECTIONS: 'None', KURRENTDB_INSECURE: 'true' })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(120_000)
    .start();
  return { url: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`, stop: async () => void (await container.stop()) };
};
