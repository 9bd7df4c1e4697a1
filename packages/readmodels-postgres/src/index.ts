export { getPostgresReadModelStore, type PostgresReadModelOptions } from './postgresReadModelStore.ts';
