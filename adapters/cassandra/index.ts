export { createCassandraBackend, type CassandraBackendConfig } from './cassandra-backend.ts';
export type { ConsistencyLevel } from './cassandra-session.ts';
export { parseCassandraUrl } from './cassandra-session.ts';
