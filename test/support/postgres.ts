import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ReadModelStore } from '@roc-ledger/projections';
import { getPostgresReadModelStore } from '@roc-ledger/readmodels-postgres';

/** The PostgreSQL the tests use: ROC_LEDGER_TEST_POSTGRES_URL, else the local one (.ci/run starts it). */
export const testPostgresUrl = process.env.ROC_LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Drops a test's schema and everything in it. */
export const dropSchema = async (schema: string): Promise<void> => {
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
};

/**
 * Read-model stores, each in a schema of its own on the test PostgreSQL; `cleanup()` closes them
 * and drops their schemas.
 */
export const postgresReadModels = () => {
  const opened: { store: ReadModelStore; schema: string }[] = [];
  return {
    async open(): Promise<ReadModelStore> {
      const schema = `test_${randomBytes(6).toString('hex')}`;
      const store = await getPostgresReadModelStore({ connectionString: testPostgresUrl, schema });
      opened.push({ store, schema });
      return store;
    },
    async cleanup(): Promise<void> {
      const admin = new pg.Client({ connectionString: testPostgresUrl });
      await admin.connect();
      try {
        for (const { store, schema } of opened.splice(0)) {
          await store.close();
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        }
      } finally {
        await admin.end();
      }
    },
  };
};
