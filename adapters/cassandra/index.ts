export { createCassandraBackend, type CassandraBackendConfig } from './cassandra-backend.ts';
export type { ConsistencyLevel } from './cassandra-connection.ts';
